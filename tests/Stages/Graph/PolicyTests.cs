using Pipeline.Model.Torch;
using Pipeline.Stages.Policy;

namespace Pipeline.Tests.Stages.Graph;

public class PolicyTests
{
    private static TinyPolicy Tiny(ulong seed = 5) => new(new TinyPolicyOptions { VocabSize = 20, Dim = 8, Hidden = 16, Seed = seed });

    private static readonly int[][] Prompts = [[3, 4, 5, 6], [7, 8], [9]];

    [Fact]
    public async Task TinyScoreReproducesTheBehaviourLogProbsOfItsOwnSamples()
    {
        using var policy = Tiny();
        var sampling = new SamplingOptions { Temperature = 0.7, MaxNewTokens = 10, StopIds = [2] };
        var result = await policy.GenerateAsync(new GenerationRequest(Prompts, sampling, 11), CancellationToken.None);
        using var scope = torch.NewDisposeScope();
        var score = policy.Score(Prompts, [.. result.Completions.Select(c => c.TokenIds)], 0.7, withGrad: false);
        var logp = score.LogProbs.data<float>();
        int width = (int)score.LogProbs.size(1);
        for (int i = 0; i < Prompts.Length; i++)
        {
            var c = result.Completions[i];
            Assert.True(c.TokenIds.Length is >= 1 and <= 10);
            Assert.Equal(c.TokenIds.Length == 10 && !c.TokenIds.Contains(2) ? Completion.Length : Completion.Stop, c.FinishReason);
            for (int t = 0; t < c.TokenIds.Length; t++) Assert.Equal(c.LogProbs[t], logp[(i * width) + t], 4);
        }
    }

    [Fact]
    public async Task GenerationIsAFunctionOfTheSeed()
    {
        using var policy = Tiny();
        var sampling = new SamplingOptions { MaxNewTokens = 12, TopK = 5, TopP = 0.9 };
        var a = await policy.GenerateAsync(new GenerationRequest(Prompts, sampling, 1), CancellationToken.None);
        var b = await policy.GenerateAsync(new GenerationRequest(Prompts, sampling, 1), CancellationToken.None);
        var c = await policy.GenerateAsync(new GenerationRequest(Prompts, sampling, 2), CancellationToken.None);
        Assert.Equal(a.Completions.Select(x => x.TokenIds), b.Completions.Select(x => x.TokenIds));
        Assert.NotEqual(a.Completions.Select(x => string.Join(",", x.TokenIds)), c.Completions.Select(x => string.Join(",", x.TokenIds)));
    }

    [Fact]
    public void ScoreWithGradReachesEveryParameter()
    {
        using var policy = Tiny();
        using var scope = torch.NewDisposeScope();
        var score = policy.Score(Prompts, [[1, 2, 3], [4], [5, 6]], 1.0, withGrad: true);
        (score.LogProbs * score.Mask).sum().backward();
        Assert.All(policy.Parameters, p =>
        {
            using var g = p.grad;
            Assert.NotNull(g);
            Assert.True(g!.abs().sum().ToDouble() > 0);
        });
    }

    [Fact]
    public void SafetensorsRoundTripAndCloneCopyTheWeights()
    {
        using var a = Tiny(1);
        using var b = Tiny(2);
        var path = Path.Combine(Path.GetTempPath(), $"tiny-{Guid.NewGuid():N}.safetensors");
        try
        {
            a.Save(path);
            b.Load(path);
            using var clone = b.Clone();
            for (int i = 0; i < a.Parameters.Count; i++)
            {
                Assert.Equal(a.Parameters[i].data<float>(), b.Parameters[i].data<float>());
                Assert.Equal(a.Parameters[i].data<float>(), clone.Parameters[i].data<float>());
            }
            var bytes = File.ReadAllBytes(path);
            var header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));
            Assert.Contains("\"tok_emb.weight\":{\"dtype\":\"F32\",\"shape\":[20,8]", header);
            using var wrong = new TinyPolicy(new TinyPolicyOptions { VocabSize = 21, Dim = 8, Hidden = 16 });
            Assert.Throws<InvalidDataException>(() => wrong.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task FakeGenerationAndScoreAgreeAndAreDeterministic()
    {
        using var fake = new FakePolicy(new FakePolicyOptions { VocabSize = 30, MaxLength = 5 });
        var sampling = new SamplingOptions { MaxNewTokens = 5 };
        var a = await fake.GenerateAsync(new GenerationRequest(Prompts, sampling, 9), CancellationToken.None);
        var b = await fake.GenerateAsync(new GenerationRequest(Prompts, sampling, 9), CancellationToken.None);
        Assert.Equal(a.Completions.Select(c => c.TokenIds), b.Completions.Select(c => c.TokenIds));
        using var scope = torch.NewDisposeScope();
        var score = fake.Score(Prompts, [.. a.Completions.Select(c => c.TokenIds)], 1.0, withGrad: true);
        int width = (int)score.LogProbs.size(1);
        var values = score.LogProbs.detach().data<float>();
        for (int i = 0; i < Prompts.Length; i++)
            for (int t = 0; t < a.Completions[i].TokenIds.Length; t++) Assert.Equal(a.Completions[i].LogProbs[t], values[(i * width) + t], 6);
    }

    [Fact]
    public void TopKOneIsGreedy()
    {
        float[] logp = [MathF.Log(0.2f), MathF.Log(0.5f), MathF.Log(0.3f)];
        ulong state = 42;
        for (int i = 0; i < 20; i++) Assert.Equal(1, TokenSampler.Sample(logp, 1, 1.0, ref state));
        int low = 0;
        for (int i = 0; i < 2000; i++) low += TokenSampler.Sample(logp, 0, 1.0, ref state) == 0 ? 1 : 0;
        Assert.InRange(low / 2000.0, 0.15, 0.25);
    }
}
