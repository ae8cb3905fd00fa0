using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class LengthShapingTests
{
    // DAPO eq. 13, written as the paper's three cases.
    private static double DapoReference(int y, int lMax, int lCache)
    {
        if (y <= lMax - lCache)
            return 0;
        if (lMax - lCache < y && y <= lMax)
            return (double)(lMax - lCache - y) / lCache;
        return -1;
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(15, 0.0)]
    [InlineData(16, -0.2)]
    [InlineData(18, -0.6)]
    [InlineData(20, -1.0)]
    [InlineData(21, -1.0)]
    [InlineData(1_000_000, -1.0)]
    public void OverlongMatchesHandValues(int length, double expected) =>
        Assert.Equal(expected, OverlongShapingVerifier.Penalty(length, 20, 5), 12);

    [Fact]
    public void OverlongMatchesReferenceEverywhere()
    {
        foreach (var (lMax, lCache) in new[] { (20, 5), (4096, 512), (7, 7), (100, 1) })
        {
            for (var y = 0; y <= lMax + 10; y++)
                Assert.Equal(DapoReference(y, lMax, lCache), OverlongShapingVerifier.Penalty(y, lMax, lCache), 12);
        }
    }

    [Fact]
    public void OverlongVerifierUsesTokenLengthAndFactor()
    {
        var v = new OverlongShapingVerifier(new OverlongOptions { MaxLength = 20, BufferLength = 5, PenaltyFactor = 0.5 });
        var p = TestProblems.WithAnswer("x");
        var r = v.Check(p, "short text", length: 18);
        Assert.Equal(-0.3, r.Score, 12);
        Assert.Contains("in buffer", r.Reason);
        Assert.Equal(0.0, v.Check(p, new string('a', 15)).Score);
        Assert.Equal(-0.5, v.Check(p, new string('a', 25)).Score);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OverlongShapingVerifier(new OverlongOptions { MaxLength = 4, BufferLength = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OverlongShapingVerifier(new OverlongOptions { BufferLength = 0 }));
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(100, 0.0)]
    [InlineData(150, -0.25)]
    [InlineData(200, -0.5)]
    [InlineData(300, -0.5)]
    public void LengthPenaltyIsLinearBetweenTargetAndMax(int length, double expected)
    {
        var v = new LengthPenaltyVerifier(new LengthPenaltyOptions { TargetLength = 100, MaxLength = 200, Coefficient = 0.5 });
        Assert.Equal(expected, v.Check(TestProblems.WithAnswer("x"), "", length).Score, 12);
        // Reference: the same ramp written as a min/max chain.
        var reference = -0.5 * Math.Min(1.0, Math.Max(0.0, (length - 100) / 100.0));
        Assert.Equal(reference, LengthPenaltyVerifier.Penalty(length, 100, 200, 0.5), 12);
    }

    [Fact]
    public void LengthPenaltyValidates() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthPenaltyVerifier(new LengthPenaltyOptions { TargetLength = 10, MaxLength = 10 }));
}
