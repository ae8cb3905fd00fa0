using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Algorithms.Advantages;
using Pipeline.Stages.Algorithms.Losses;
using Pipeline.Stages.Algorithms.TokenCredit;

namespace Pipeline.Tests.Stages.Algorithms;

/// <summary>
/// Every registered estimator, loss and token-credit name on a tiny policy (a table of logits per
/// position): one update on a two-sample group must give a finite loss, change the parameters,
/// and raise the log-probability of the better sample.
/// </summary>
public class ComponentSmokeTests
{
    private const int Vocab = 8;
    private static readonly int[][] Samples = [[1, 2, 3], [4, 5, 6]];
    private static readonly float[] Rewards = [1, 0];

    public static TheoryData<string, string> Components()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in AdvantageEstimators.Registry.Names)
        {
            data.Add("advantage", name);
        }

        foreach (var name in PolicyLosses.Registry.Names)
        {
            data.Add("loss", name);
        }

        foreach (var name in TokenCreditAssigners.Registry.Names)
        {
            data.Add("credit", name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void OneUpdateFavoursTheBetterSample(string kind, string name)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var logits = (torch.randn([3, Vocab]) * 0.1).requires_grad_();
        var before = SampleLogProbs(logits).detach();
        var initial = logits.detach().clone();

        var estimator = AdvantageEstimators.Create(kind == "advantage" ? name : "grpo");
        var advantages = estimator.Compute(new AdvantageInput(Rewards, [0, 0], [3, 3]));
        var credit = TokenCreditAssigners.Create(kind == "credit" ? name : "none").Assign(
            new CreditGroup(Samples, Rewards, [advantages.Sequence(0), advantages.Sequence(1)], [0.1f, 0.1f]));
        var advantage = torch.tensor(Flatten(credit.Advantages), [2, 3]);
        var weights = torch.tensor(Flatten(credit.Weights), [2, 3]);
        var mask = torch.ones([2, 3]);

        var optimizer = new AdamW([logits], lr: 0.05);
        var logp = SampleLogProbs(logits);
        var loss = PolicyLosses.Create(kind == "loss" ? name : "ppo").Compute(
            new PolicyLossInput(logp, logp.detach(), advantage, mask, LossNormalizer.FromMask(mask)) { Weights = weights });
        Assert.True(double.IsFinite(loss.Loss.ToDouble()), $"{kind} {name}: loss {loss.Loss.ToDouble()}");
        loss.Loss.backward();
        optimizer.step();

        Assert.False(logits.detach().allclose(initial), $"{kind} {name}: parameters did not change");
        var after = SampleLogProbs(logits).detach();
        var gainBetter = (after[0].sum() - before[0].sum()).ToDouble();
        var gainWorse = (after[1].sum() - before[1].sum()).ToDouble();
        Assert.True(gainBetter > 0, $"{kind} {name}: log-prob of the rewarded sample fell by {-gainBetter}");
        Assert.True(gainBetter > gainWorse, $"{kind} {name}: the worse sample gained more ({gainWorse} vs {gainBetter})");
    }

    /// <summary>[2, 3] log-probs of each sample's tokens under the position-wise logits.</summary>
    private static Tensor SampleLogProbs(Tensor logits)
    {
        var logProbs = torch.nn.functional.log_softmax(logits, 1); // [3, V]
        var index = torch.tensor(Flatten(Samples.Select(s => s.Select(t => (long)t).ToArray()).ToArray()), [2, 3]);
        var expanded = logProbs.unsqueeze(0).expand([2, 3, Vocab]); // [2, 3, V]
        return expanded.gather(2, index.unsqueeze(2)).squeeze(2); // [2, 3]
    }

    private static T[] Flatten<T>(T[][] rows) => [.. rows.SelectMany(r => r)];
}
