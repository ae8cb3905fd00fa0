using Pipeline.Stages.Algorithms.TokenCredit;

namespace Pipeline.Tests.Stages.Algorithms;

public class TokenCreditTests
{
    [Fact]
    public void TempoCorrectsOnlyAtBranchingTokens()
    {
        // Tree: root -1-> a; a branches to 2 (V=0.5) and 5 (V=1); a has V=2/3;
        // node (1,2) branches to 3 (V=1) and 4 (V=0).
        var group = new CreditGroup([[1, 2, 3], [1, 2, 4], [1, 5]], [1, 0, 1], [0.5f, -1f, 0.5f]);
        var credit = TokenCreditAssigners.Create("tempo").Assign(group);
        AssertClose([0.5, 0.5 - (1.0 / 6), 0.5 + 0.5], credit.Advantages[0]);
        AssertClose([-1, -1 - (1.0 / 6), -1 - 0.5], credit.Advantages[1]);
        AssertClose([0.5, 0.5 + (1.0 / 3)], credit.Advantages[2]);
        Assert.All(credit.Weights.SelectMany(w => w), w => Assert.Equal(1f, w));
    }

    [Fact]
    public void TempoWithoutBranchesIsGrpo()
    {
        var group = new CreditGroup([[4, 4], [4, 4]], [1, 0], [1f, -1f]);
        var credit = TokenCreditAssigners.Create("tempo").Assign(group);
        Assert.Equal([1f, 1f], credit.Advantages[0]);
        Assert.Equal([-1f, -1f], credit.Advantages[1]);
    }

    [Fact]
    public void GtpoProtectsConflictTokensAndFiltersHighEntropy()
    {
        // (pos 0, token 1) and (pos 1, token 2) stand in a positive and a negative completion.
        // The third completion is positive but too uncertain: filtered, and it creates no conflicts.
        var group = new CreditGroup([[1, 2, 3], [1, 2, 4], [9, 3, 4]], [1, 0, 1], [1f, -1f, 0.5f], [0.5f, 0.5f, 3f]);
        var credit = TokenCreditAssigners.Create("gtpo", new TokenCreditOptions { GtpoConflictBoost = 2, GtpoEntropyThreshold = 2 }).Assign(group);
        Assert.Equal([2f, 2f, 1f], credit.Weights[0]);
        Assert.Equal([0f, 0f, 1f], credit.Weights[1]);
        Assert.Equal([0f, 0f, 0f], credit.Weights[2]);
        Assert.Equal([1f, 1f, 1f], credit.Advantages[0]);
    }

    [Fact]
    public void NoneBroadcasts()
    {
        var credit = TokenCreditAssigners.Create("none").Assign(new CreditGroup([[1, 2]], [1], [0.25f]));
        Assert.Equal([0.25f, 0.25f], credit.Advantages[0]);
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }
}
