using Pipeline.Data.Problems;

namespace Pipeline.Tests.Data.Problems;

public class ProblemSplitTests
{
    [Fact]
    public void HeldOutFractionIsRespectedAndStable()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => $"p{i}").ToArray();
        var held = ids.Count(id => ProblemSplitter.Assign(id, 0.1) == ProblemSplit.HeldOut);
        Assert.InRange(held, 1_800, 2_200);
        Assert.All(ids.Take(100), id => Assert.Equal(ProblemSplitter.Assign(id, 0.1), ProblemSplitter.Assign(id, 0.1)));
    }

    [Fact]
    public void SplitSeedMovesTheHeldOutSet()
    {
        var ids = Enumerable.Range(0, 2_000).Select(i => $"p{i}").ToArray();
        var a = ids.Where(id => ProblemSplitter.Assign(id, 0.2, 1) == ProblemSplit.HeldOut).ToHashSet();
        var b = ids.Where(id => ProblemSplitter.Assign(id, 0.2, 2) == ProblemSplit.HeldOut).ToHashSet();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ExtremesAndInvalidFractions()
    {
        Assert.Equal(ProblemSplit.Train, ProblemSplitter.Assign("x", 0));
        Assert.Equal(ProblemSplit.HeldOut, ProblemSplitter.Assign("x", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProblemSplitter.Assign("x", 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProblemSplitter.Assign("x", double.NaN));
    }
}
