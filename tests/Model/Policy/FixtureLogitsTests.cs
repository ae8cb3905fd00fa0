using Pipeline.Model.Checkpoints;
using Pipeline.Model.Policy;
using Pipeline.Model.Torch;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Model.Policy;

/// <summary>
/// Logits of checkpoints written by an independent PyTorch implementation (tests/fixtures/policy/make_fixture.py).
/// If these fail after an intended change of the fixture, regenerate with
/// <c>/usr/bin/python3 tests/fixtures/policy/make_fixture.py</c>.
/// </summary>
public class FixtureLogitsTests
{
    public static string Folder(string variant) => RepoPaths.TestData("fixtures", "policy", variant);

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    public void LogitsMatchThePyTorchReference(string variant)
    {
        using var model = HfCheckpoint.Load(Folder(variant));
        using var expected = new SafetensorsReader(Path.Combine(Folder(variant), "expected.safetensors"));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var ids = expected.Read("input_ids");                        // (B, T)
        var (B, T) = (ids.size(0), ids.size(1));
        var valid = torch.ones([B, T], ScalarType.Bool);
        var logits = model.Forward(ids, LlamaModel.Positions(torch.zeros([B], ScalarType.Int64), 0, T), LlamaModel.AttentionMask(valid, 0, T));
        var want = expected.Read("logits").data<float>();
        var got = logits.data<float>();
        Assert.Equal(want.Length, got.Length);
        var scale = want.Max(Math.Abs);
        for (var i = 0; i < want.Length; i++)
        {
            // 1e-4 relative to the logit, with the largest logit as the floor so near-zero logits are not held to float noise.
            Assert.True(Math.Abs(want[i] - got[i]) <= 1e-4 * Math.Max(Math.Abs(want[i]), scale * 1e-2),
                $"{variant} logit {i}: PyTorch {want[i]}, ours {got[i]}");
        }
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    public void CachedGreedyMatchesThePyTorchUncachedGreedy(string variant)
    {
        using var model = HfCheckpoint.Load(Folder(variant));
        using var expected = new SafetensorsReader(Path.Combine(Folder(variant), "expected.safetensors"));
        long[] ids, greedy;
        long[] shape;
        using (var scope = torch.NewDisposeScope())
        {
            var t = expected.Read("input_ids");
            shape = t.shape;
            ids = t.data<long>();
            greedy = expected.Read("greedy").data<long>();
        }
        var (B, T) = ((int)shape[0], (int)shape[1]);
        var prompts = Enumerable.Range(0, B).Select(b => ids.Skip(b * T).Take(T).Select(x => (int)x).ToArray()).ToArray();
        var n = greedy.Length / B;
        var result = new PolicyGenerator(model).Generate(new GenerationRequest(prompts, new SamplingOptions { Greedy = true, MaxNewTokens = n }));
        for (var b = 0; b < B; b++)
        {
            Assert.Equal(greedy.Skip(b * n).Take(n).Select(x => (int)x), result.Rows[b].Tokens);
        }
    }
}
