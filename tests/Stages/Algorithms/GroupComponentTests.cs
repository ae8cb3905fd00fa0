using Pipeline.Stages.Algorithms.Filters;
using Pipeline.Stages.Algorithms.Schedules;
using Pipeline.Stages.Algorithms.Shaping;

namespace Pipeline.Tests.Stages.Algorithms;

public class GroupComponentTests
{
    [Theory]
    [InlineData(new float[] { 1, 1, 1 }, GroupVerdict.Drop, "zero_std_all_correct")]
    [InlineData(new float[] { 0, 0, 0 }, GroupVerdict.Drop, "zero_std_all_wrong")]
    [InlineData(new float[] { 1, 0, 1 }, GroupVerdict.Keep, "mixed")]
    public void DynamicSamplingDropsGroupsWithoutSignal(float[] rewards, GroupVerdict verdict, string reason)
    {
        var decision = GroupFilters.Create("dynamic_sampling").Evaluate(ScoredGroup.FromRewards("p", rewards));
        Assert.Equal(verdict, decision.Verdict);
        Assert.Equal(reason, decision.Reason);
    }

    [Fact]
    public void DynamicSamplingCanSendUnsolvedGroupsToGuidance() =>
        Assert.Equal(GroupVerdict.Guide, GroupFilters.Create("dynamic_sampling", new GroupFilterOptions { GuideUnsolved = true })
            .Evaluate(ScoredGroup.FromRewards("p", [0, 0])).Verdict);

    [Fact]
    public void RewardMetricSeesShapingDifferences()
    {
        // Both correct, but one was penalised for length: the reward metric keeps the group.
        var group = new ScoredGroup("p", [1f, 0.7f], [true, true], [10, 50], [false, false]);
        Assert.Equal(GroupVerdict.Drop, GroupFilters.Create("dynamic_sampling").Evaluate(group).Verdict);
        Assert.Equal(GroupVerdict.Keep, GroupFilters.Create("dynamic_sampling", new GroupFilterOptions { Metric = "reward" }).Evaluate(group).Verdict);
    }

    [Theory]
    [InlineData(0, 4, "pass_rate_below_window")]
    [InlineData(1, 4, "in_window")]
    [InlineData(3, 4, "in_window")]
    [InlineData(4, 4, "pass_rate_above_window")]
    public void PassRateWindowKeepsTheEdgeOfCompetence(int correct, int n, string reason)
    {
        var rewards = Enumerable.Range(0, n).Select(i => i < correct ? 1f : 0f).ToArray();
        var filter = GroupFilters.Create("pass_rate_window", new GroupFilterOptions { MinPassRate = 0.2, MaxPassRate = 0.8 });
        Assert.Equal(reason, filter.Evaluate(ScoredGroup.FromRewards("p", rewards)).Reason);
    }

    [Fact]
    public void PassRateWindowRejectsAnInvertedWindow() =>
        Assert.Throws<ArgumentException>(() => GroupFilters.Create("pass_rate_window", new GroupFilterOptions { MinPassRate = 0.9, MaxPassRate = 0.1 }));

    [Fact]
    public void GrpoLambdaPenalisesLengthOnlyInCompetentGroups()
    {
        var transform = new GrpoLambdaTransform(new GrpoLambdaOptions { Threshold = 0.5, Weight = 1 });
        // 1 of 4 correct: below the threshold, plain correctness.
        var weak = new ScoredGroup("p", [1, 0, 0, 0], [true, false, false, false], [10, 20, 30, 40], new bool[4]);
        Assert.Equal([1f, 0f, 0f, 0f], transform.Apply(weak));
        // 3 of 4 correct, lengths 10..40: lambda = 0.5, 1/6, -1/6, -0.5.
        var strong = new ScoredGroup("p", [1, 1, 1, 0], [true, true, true, false], [10, 20, 30, 40], new bool[4]);
        var shaped = transform.Apply(strong);
        Assert.Equal(1.5f, shaped[0], 5);
        Assert.Equal(1 + (1f / 6), shaped[1], 5);
        Assert.Equal(1 - (1f / 6), shaped[2], 5);
        Assert.Equal(-0.5f, shaped[3], 5);
    }

    [Fact]
    public void TruncatedCompletionsGetNoWeight()
    {
        var weights = TruncationMask.Apply([[1f, 1f], [1f, 2f, 1f]], [true, false]);
        Assert.Equal([0f, 0f], weights[0]);
        Assert.Equal([1f, 2f, 1f], weights[1]);
    }

    [Theory]
    [InlineData(BudgetShape.Linear, 0, 400)]
    [InlineData(BudgetShape.Linear, 5, 250)]
    [InlineData(BudgetShape.Linear, 10, 100)]
    [InlineData(BudgetShape.Linear, 99, 100)]
    [InlineData(BudgetShape.Cosine, 5, 250)]
    [InlineData(BudgetShape.Exponential, 5, 200)]
    [InlineData(BudgetShape.Step, 9, 400)]
    [InlineData(BudgetShape.Step, 10, 100)]
    public void TokenBudgetDecaysOnItsSchedule(BudgetShape shape, int step, int expected) =>
        Assert.Equal(expected, new TokenBudgetSchedule(new TokenBudgetOptions { Start = 400, End = 100, DecaySteps = 10, Shape = shape }).At(step));
}
