using Pipeline.Stages.Algorithms;
using Pipeline.Stages.Algorithms.Advantages;

namespace Pipeline.Tests.Stages.Algorithms;

public class AdvantageEstimatorTests
{
    private static AdvantageInput OneGroup(params float[] rewards) =>
        new(rewards, new int[rewards.Length], Enumerable.Repeat(3, rewards.Length).ToArray());

    [Fact]
    public void NgrpoReproducesThePapersWorkedExample()
    {
        // NGRPO paper: one correct answer among 8; GRPO gives 2.47 / -0.35, NGRPO 1.76 / -0.50.
        var input = OneGroup(1, 0, 0, 0, 0, 0, 0, 0);
        var grpo = AdvantageEstimators.Create("grpo").Compute(input);
        var ngrpo = AdvantageEstimators.Create("ngrpo").Compute(input);
        Assert.Equal(2.47, grpo.Sequence(0), 2);
        Assert.Equal(-0.35, grpo.Sequence(1), 2);
        Assert.Equal(1.76, ngrpo.Sequence(0), 2);
        Assert.Equal(-0.50, ngrpo.Sequence(1), 2);
    }

    [Fact]
    public void NgrpoGivesAllWrongGroupsNegativeAdvantageAndAllCorrectZero()
    {
        var wrong = AdvantageEstimators.Create("ngrpo").Compute(OneGroup(0, 0, 0, 0));
        // Values {0,0,0,0,1}: mean 0.2, unbiased std sqrt(0.2) -> -0.2 / 0.4472 = -0.4472.
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(-0.4472, wrong.Sequence(i), 4));
        var right = AdvantageEstimators.Create("ngrpo").Compute(OneGroup(1, 1, 1));
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(0, right.Sequence(i), 6));
        Assert.All(AdvantageEstimators.Create("grpo").Compute(OneGroup(0, 0, 0, 0)).Tokens, row => Assert.All(row, a => Assert.Equal(0, a)));
    }

    [Fact]
    public void BatchStdUsesEveryRewardOfTheBatch()
    {
        // Groups {1, 0} and {1, 1}: group means 0.5 and 1; batch std of {1,0,1,1} = 0.5.
        var input = new AdvantageInput([1, 0, 1, 1], [7, 7, 9, 9], [2, 2, 2, 2]);
        var lite = AdvantageEstimators.Create("grpo", new AdvantageOptions { StdLevel = StdLevel.Batch, Epsilon = 0 }).Compute(input);
        Assert.Equal([1f, -1f, 0f, 0f], Enumerable.Range(0, 4).Select(lite.Sequence));
    }

    [Fact]
    public void GroupsMayDifferInSize()
    {
        var input = new AdvantageInput([1, 0, 0, 1, 0], [0, 0, 0, 1, 1], [1, 1, 1, 1, 1]);
        var rloo = AdvantageEstimators.Create("rloo").Compute(input);
        // Group 0 (n=3): 1 - mean(0,0) = 1, 0 - mean(1,0) = -0.5. Group 1 (n=2): 1 - 0 = 1, 0 - 1 = -1.
        Assert.Equal([1f, -0.5f, -0.5f, 1f, -1f], Enumerable.Range(0, 5).Select(rloo.Sequence));
    }

    [Fact]
    public void EveryTokenOfARowCarriesItsAdvantage()
    {
        var input = new AdvantageInput([1, 0], [0, 0], [3, 1]);
        var result = AdvantageEstimators.Create("dr_grpo").Compute(input);
        Assert.Equal([0.5f, 0.5f, 0.5f], result.Tokens[0]);
        Assert.Equal([-0.5f], result.Tokens[1]);
    }

    [Fact]
    public void UnknownNameListsTheValidOnes()
    {
        var e = Assert.Throws<UnknownComponentException>(() => AdvantageEstimators.Create("gae"));
        Assert.Contains("grpo, ngrpo, reinforce_plus_plus, rloo", e.Message);
    }

    [Fact]
    public void RejectsMismatchedRows() =>
        Assert.Throws<ArgumentException>(() => AdvantageEstimators.Create("grpo").Compute(new AdvantageInput([1, 0], [0], [1, 1])));

    [Fact]
    public void DuplicateRegistrationFails() =>
        Assert.Throws<InvalidOperationException>(() => AdvantageEstimators.Registry.Register("grpo", _ => new RlooAdvantage()));
}
