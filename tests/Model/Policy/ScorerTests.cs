using Pipeline.Model.Policy;
using Pipeline.Model.Torch;
using static Pipeline.Tests.Model.Policy.PolicyTestModels;

namespace Pipeline.Tests.Model.Policy;

public class ScorerTests
{
    private static readonly int[][] Completions = [[1, 2, 3, 4], [6], [], [8, 9, 10, 11, 12, 13]];

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.6)]
    public void BatchedScoresEqualPerRowReference(double temperature)
    {
        using var model = LlamaModel.Create(Tiny, seed: 21);
        using var scope = torch.NewDisposeScope();
        using var score = Scorer.Score(model, MixedPrompts, Completions, temperature);
        var Tc = Completions.Max(c => c.Length);
        Assert.Equal([MixedPrompts.Length, (long)Tc], score.LogProbs.shape);
        var lp = score.LogProbs.data<float>();
        var ent = score.Entropies.data<float>();
        var mask = score.Mask.data<float>();
        for (var b = 0; b < MixedPrompts.Length; b++)
        {
            var logits = PlainLogits(model, [.. MixedPrompts[b], .. Completions[b]]);
            for (var i = 0; i < Tc; i++)
            {
                if (i >= Completions[b].Length)
                {
                    Assert.Equal((0f, 0f, 0f), (mask[b * Tc + i], lp[b * Tc + i], ent[b * Tc + i]));
                    continue;
                }
                var reference = LogSoftmax(logits[MixedPrompts[b].Length - 1 + i], temperature);
                var entropy = -reference.Sum(l => Math.Exp(l) * l);
                Assert.Equal(1f, mask[b * Tc + i]);
                Assert.True(Math.Abs(reference[Completions[b][i]] - lp[b * Tc + i]) < 1e-4, $"row {b} token {i} log-prob");
                Assert.True(Math.Abs(entropy - ent[b * Tc + i]) < 1e-4, $"row {b} token {i} entropy");
            }
        }
    }

    [Fact]
    public void WithGradTheLogProbsBackpropagateToTheWeights()
    {
        using var model = LlamaModel.Create(Tiny, seed: 22);
        using var scope = torch.NewDisposeScope();
        using (var score = Scorer.Score(model, MixedPrompts, Completions, withGrad: false))
        {
            Assert.False(score.LogProbs.requires_grad);
        }
        using var graded = Scorer.Score(model, MixedPrompts, Completions, withGrad: true);
        Assert.True(graded.LogProbs.requires_grad);
        graded.LogProbs.sum().backward();
        foreach (var (name, p) in model.NamedParameters)
        {
            var g = p.grad;
            Assert.True(g is not null, $"{name} got no gradient");
            Assert.True(g!.abs().sum().item<float>() > 0, $"{name} has an all-zero gradient");
        }
    }

    [Fact]
    public void GenerationLogProbsEqualScorerLogProbs()
    {
        using var model = LlamaModel.Create(Tiny, seed: 23);
        var result = new PolicyGenerator(model).Generate(new GenerationRequest(MixedPrompts,
            new SamplingOptions { Temperature = 0.8, MaxNewTokens = 7, Seed = 3 }));
        using var scope = torch.NewDisposeScope();
        using var score = Scorer.Score(model, MixedPrompts, [.. result.Rows.Select(r => r.Tokens)], temperature: 0.8);
        var lp = score.LogProbs.data<float>();
        var Tc = (int)score.LogProbs.size(1);
        for (var b = 0; b < MixedPrompts.Length; b++)
        {
            for (var i = 0; i < result.Rows[b].Tokens.Length; i++)
            {
                Assert.Equal(result.Rows[b].LogProbs[i], lp[b * Tc + i], 4);
            }
        }
    }
}
