using Pipeline.Model.Torch;
using Pipeline.Stages.Algorithms.Losses;
using Pipeline.Stages.Algorithms.Regularizers;
using Pipeline.Tests.Stages.Algorithms.Reference;

namespace Pipeline.Tests.Stages.Algorithms;

public class PolicyLossTests
{
    private static readonly int[] Lengths = [4, 2, 3];
    private const int Width = 4;

    [Theory]
    [InlineData(LossAggregation.TokenMean)]
    [InlineData(LossAggregation.SeqMeanTokenMean)]
    [InlineData(LossAggregation.SeqMeanTokenSum)]
    [InlineData(LossAggregation.SeqMeanTokenSumNorm)]
    public void CispoAndReinforceMatchTheReference(LossAggregation agg)
    {
        using var scope = torch.NewDisposeScope();
        var (old, logp, adv) = RandomBatch(seed: 11);
        var cispoRef = ReferencePolicyLoss.Cispo(old, logp, adv, Lengths, clipHigh: 0.1, agg);
        AssertLoss(cispoRef, "cispo", new PolicyLossOptions { ClipHigh = 0.1, Aggregation = agg }, old, logp, adv);
        var reinforceRef = ReferencePolicyLoss.Reinforce(old, logp, adv, Lengths, agg);
        AssertLoss(reinforceRef, "reinforce", new PolicyLossOptions { Aggregation = agg }, old, logp, adv);
    }

    [Fact]
    public void CispoKeepsTheGradientOfClippedTokens()
    {
        // One token, ratio e^1 = 2.72 far above 1 + 0.2: PPO's gradient is zero there, CISPO's is
        // -min(r, 1.2)·A = -1.2 for A = 1.
        using var scope = torch.NewDisposeScope();
        var logp = torch.tensor(new[] { 0f }, [1, 1]).requires_grad_();
        var old = torch.tensor(new[] { -1f }, [1, 1]);
        var adv = torch.ones([1, 1]);
        var mask = torch.ones([1, 1]);
        var cispo = PolicyLosses.Create("cispo", new PolicyLossOptions { ClipHigh = 0.2 }).Compute(new PolicyLossInput(logp, old, adv, mask, LossNormalizer.FromMask(mask)));
        cispo.Loss.backward();
        Assert.Equal(-1.2, logp.grad!.ToDouble(), 5);
        Assert.Equal(1.0, cispo.Metrics.ClipFrac);

        var logp2 = torch.tensor(new[] { 0f }, [1, 1]).requires_grad_();
        var ppo = PolicyLosses.Create("ppo", new PolicyLossOptions { ClipHigh = 0.2 }).Compute(new PolicyLossInput(logp2, old, adv, mask, LossNormalizer.FromMask(mask)));
        ppo.Loss.backward();
        Assert.Equal(0, logp2.grad!.ToDouble(), 6);
    }

    [Fact]
    public void AsymmetricClippingBoundsNegativeAdvantagesMoreTightly()
    {
        // Ratio 0.85 on tokens with A = +1 and A = -1. Positive band [0.8, 1.28]: not clipped.
        // Negative band [0.9, 1.1]: clipped at 0.9, so the loss is -(-1)·0.9 = 0.9 and no gradient.
        using var scope = torch.NewDisposeScope();
        var logp = torch.tensor(new[] { (float)Math.Log(0.85), (float)Math.Log(0.85) }, [1, 2]).requires_grad_();
        var old = torch.zeros([1, 2]);
        var adv = torch.tensor(new[] { 1f, -1f }, [1, 2]);
        var mask = torch.ones([1, 2]);
        var options = new PolicyLossOptions { ClipLow = 0.2, ClipHigh = 0.28, NegativeClipLow = 0.1, NegativeClipHigh = 0.1, ClipC = null, Aggregation = LossAggregation.SeqMeanTokenSum };
        var output = PolicyLosses.Create("ppo", options).Compute(new PolicyLossInput(logp, old, adv, mask, LossNormalizer.FromMask(mask)));
        output.Loss.backward();
        Assert.Equal(-0.85 + 0.9, output.Loss.ToDouble(), 5);
        var grad = logp.grad!.data<float>();
        Assert.Equal(-0.85, grad[0], 5);
        Assert.Equal(0, grad[1], 6);
        Assert.Equal(0.5, output.Metrics.ClipFrac);
        Assert.Equal(0.5, output.Metrics.ClipRatioLow);
    }

    [Theory]
    [InlineData("ppo", LossAggregation.TokenMean)]
    [InlineData("ppo", LossAggregation.SeqMeanTokenMean)]
    [InlineData("ppo", LossAggregation.SeqMeanTokenSum)]
    [InlineData("ppo", LossAggregation.SeqMeanTokenSumNorm)]
    [InlineData("gspo", LossAggregation.SeqMeanTokenMean)]
    [InlineData("cispo", LossAggregation.TokenMean)]
    public void MicroBatchesWithGlobalCountsSumToTheFullBatchLoss(string name, LossAggregation agg)
    {
        using var scope = torch.NewDisposeScope();
        var (old, logp, adv) = RandomBatch(seed: 5);
        var loss = PolicyLosses.Create(name, new PolicyLossOptions { Aggregation = agg });
        var mask = MaskOf(Lengths);
        var normalizer = LossNormalizer.FromMask(mask);

        var fullLogp = Tensor2(logp).requires_grad_();
        var full = loss.Compute(new PolicyLossInput(fullLogp, Tensor2(old), Tensor2(adv), mask, normalizer)).Loss;
        full.backward();

        // The same rows in two micro-batches, each normalised by the global counts.
        var splitLogp = Tensor2(logp).requires_grad_();
        var first = loss.Compute(new PolicyLossInput(splitLogp.narrow(0, 0, 1), Tensor2(old).narrow(0, 0, 1), Tensor2(adv).narrow(0, 0, 1), mask.narrow(0, 0, 1), normalizer)).Loss;
        var second = loss.Compute(new PolicyLossInput(splitLogp.narrow(0, 1, 2), Tensor2(old).narrow(0, 1, 2), Tensor2(adv).narrow(0, 1, 2), mask.narrow(0, 1, 2), normalizer)).Loss;
        (first + second).backward();

        Assert.Equal(full.ToDouble(), (first + second).ToDouble(), 5);
        Assert.True(fullLogp.grad!.allclose(splitLogp.grad!, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void ObjectiveAddsKlSubtractsEntropyAndAddsSft()
    {
        using var scope = torch.NewDisposeScope();
        var logp = torch.tensor(new[] { -1f, -2f }, [1, 2]).requires_grad_();
        var mask = torch.ones([1, 2]);
        var input = new PolicyLossInput(logp, logp.detach(), torch.zeros([1, 2]), mask, LossNormalizer.FromMask(mask));
        var objective = new RegularizedObjective(PolicyLosses.Create("ppo"),
            new RegularizerOptions { KlCoef = 0.5, KlEstimator = "k1", EntropyCoef = 0.1, SftCoef = 2 }, LossAggregation.TokenMean);
        var (loss, metrics) = objective.Compute(input, new RegularizerInput
        {
            RefLogProbs = torch.tensor(new[] { -1.5f, -2.5f }, [1, 2]),
            Entropy = torch.tensor(new[] { 1f, 3f }, [1, 2]),
            SftMask = torch.tensor(new[] { 1f, 0f }, [1, 2]),
        });
        // policy 0 (zero advantage); k1 mean 0.5 -> +0.25; entropy mean 2 -> -0.2; SFT: NLL 1 on one of two tokens / 2 -> 0.5 x 2 = +1.
        Assert.Equal(0.5, metrics.Kl, 5);
        Assert.Equal(2.0, metrics.Entropy, 5);
        Assert.Equal(0.5, metrics.SftLoss, 5);
        Assert.Equal(0.25 - 0.2 + 1.0, loss.ToDouble(), 5);
        Assert.True(objective.NeedsReference);
        Assert.Throws<ArgumentException>(() => objective.Compute(input, new RegularizerInput()));
    }

    [Fact]
    public void ShapeMismatchNamesTheTensor()
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => PolicyLosses.Create("ppo").Compute(
            new PolicyLossInput(torch.zeros([2, 3]), torch.zeros([2, 3]), torch.zeros([2, 2]), torch.ones([2, 3]), new LossNormalizer(6, 2, 3))));
        Assert.Contains("advantages", e.Message);
    }

    private static void AssertLoss(ReferencePolicyLoss.Result expected, string name, PolicyLossOptions options, double[][] old, double[][] logp, double[][] adv)
    {
        var logpT = Tensor2(logp).requires_grad_();
        var mask = MaskOf(Lengths);
        var output = PolicyLosses.Create(name, options).Compute(new PolicyLossInput(logpT, Tensor2(old), Tensor2(adv), mask, LossNormalizer.FromMask(mask)));
        output.Loss.backward();
        Assert.Equal(expected.Loss, output.Loss.ToDouble(), 5);
        Assert.Equal(expected.ClipFrac, output.Metrics.ClipFrac, 5);
        var grad = logpT.grad!.data<float>();
        for (var i = 0; i < Lengths.Length; i++)
        {
            for (var t = 0; t < Width; t++)
            {
                Assert.Equal(expected.Grad[i][t], grad[(i * Width) + t], 5);
            }
        }
    }

    private static (double[][] Old, double[][] Logp, double[][] Adv) RandomBatch(int seed)
    {
        var random = new Random(seed);
        double[][] Make(Func<double> f) => [.. Enumerable.Range(0, Lengths.Length).Select(_ => Enumerable.Range(0, Width).Select(_ => f()).ToArray())];
        var old = Make(() => -0.1 - (2 * random.NextDouble()));
        var logp = old.Select(row => row.Select(x => x + ((random.NextDouble() - 0.5) * 0.8)).ToArray()).ToArray();
        var adv = Make(() => (random.NextDouble() - 0.5) * 2);
        return (old, logp, adv);
    }

    private static Tensor Tensor2(double[][] m) => torch.tensor(m.SelectMany(r => r.Select(x => (float)x)).ToArray(), [m.Length, m[0].Length]);

    private static Tensor MaskOf(int[] lengths) =>
        torch.tensor(lengths.SelectMany(l => Enumerable.Range(0, Width).Select(t => t < l ? 1f : 0f)).ToArray(), [lengths.Length, Width]);
}
