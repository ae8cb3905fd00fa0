using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Policy;

/// <summary>The one-call native decoder layer against the op-by-op layers it replaces in generation.</summary>
public class FusedLayerTests
{
    public static TheoryData<string> Variants => ["gqa", "mha", "one-kv-head", "biases"];

    private static LlamaConfig Config(string variant) => variant switch
    {
        "gqa" => PolicyTestModels.Tiny,
        "mha" => PolicyTestModels.Tiny with { NumKeyValueHeads = 4 },
        "one-kv-head" => PolicyTestModels.Tiny with { NumKeyValueHeads = 1, QkvBias = true },
        "biases" => PolicyTestModels.Tiny with { AttentionBias = true, MlpBias = true },
        _ => throw new ArgumentException(variant),
    };

    /// <summary>Left-padded prefill then single-token steps through a cache, as the generator runs them; the logits of every call.</summary>
    private static List<float[]> CachedLogits(LlamaModel model, bool fused)
    {
        model.UseFusedLayers = fused;
        using var scope = torch.NewDisposeScope();
        using var _ = torch.inference_mode();
        long[][] prompts = [[5, 7, 9, 2], [11, 3], [3, 4, 5, 6]];
        const int B = 3, P = 4, steps = 3, capacity = P + steps;
        var pad = torch.tensor(prompts.Select(p => (long)(P - p.Length)).ToArray());
        var ids = torch.tensor(prompts.SelectMany(p => Enumerable.Repeat(0L, P - p.Length).Concat(p)).ToArray(), [B, P]);
        var valid = torch.tensor(Enumerable.Range(0, B * capacity).Select(i => i % capacity >= P - prompts[i / capacity].Length).ToArray(), [B, capacity]);
        using var cache = new KvCache(model.Config, B, capacity, model.DType);
        var outputs = new List<float[]>
        {
            model.Forward(ids, LlamaModel.Positions(pad, 0, P), LlamaModel.AttentionMask(valid.narrow(1, 0, P), 0, P), cache).data<float>(),
        };
        for (var s = 0; s < steps; s++)
        {
            var slot = P + s;
            var next = torch.tensor(new long[] { 1 + s, 8 + s, 30 - s }, [B, 1]);
            outputs.Add(model.Forward(next, LlamaModel.Positions(pad, slot, 1), LlamaModel.AttentionMask(valid.narrow(1, 0, slot + 1), slot, 1), cache).data<float>());
        }
        return outputs;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void FusedLayersGiveTheLogitsOfTheOpByOpLayers(string variant)
    {
        using var model = LlamaModel.Create(Config(variant), seed: 21);
        using (torch.no_grad())
        using (var gen = new Generator(3))
        {
            // Biases start at zero: make them count.
            foreach (var (name, t) in model.NamedParameters.Where(p => p.Name.EndsWith(".bias", StringComparison.Ordinal))) t.normal_(0, 0.3, gen);
        }
        var reference = CachedLogits(model, fused: false);
        var fused = CachedLogits(model, fused: true);
        Assert.Equal(reference.Count, fused.Count);
        for (var call = 0; call < reference.Count; call++)
        {
            Assert.Equal(reference[call].Length, fused[call].Length);
            for (var i = 0; i < reference[call].Length; i++)
            {
                var (want, got) = (reference[call][i], fused[call][i]);
                Assert.True(Math.Abs(want - got) <= 1e-5 + 1e-4 * Math.Abs(want), $"call {call} logit {i}: op-by-op {want}, fused {got}");
            }
        }
        Assert.True(reference.SelectMany(r => r).Select(Math.Abs).Max() > 0.1); // logits far from zero, so the tolerance bites
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void InBFloat16FusedLayersGiveTheSameBits(string variant)
    {
        // Same ops in the same order: in bfloat16, where any reassociation would show, the logits are identical.
        using var model = LlamaModel.Create(Config(variant), seed: 22, ScalarType.BFloat16);
        var reference = CachedLogits(model, fused: false);
        var fused = CachedLogits(model, fused: true);
        Assert.Equal(reference, fused);
    }

    [Fact]
    public void FusedLayerRefusesToRunUnderAutograd()
    {
        using var model = LlamaModel.Create(PolicyTestModels.Tiny, seed: 1);
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros([1, 1, 32]);
        var w = model.NamedParameters.Select(p => (Tensor?)p.Tensor).Take(16).ToArray();
        var ex = Assert.Throws<InvalidOperationException>(() =>
            FusedLayers.LlamaDecoderLayer(x, x, x, x, x, x, 0, w, 4, 2, 1e-6));
        Assert.Contains("no_grad", ex.Message);
    }
}
