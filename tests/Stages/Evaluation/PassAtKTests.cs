using Pipeline.Stages.Evaluation;

namespace Pipeline.Tests.Stages.Evaluation;

public class PassAtKTests
{
    /// <summary>The definition itself: the share of k-subsets of the n samples holding a correct one.</summary>
    private static double BySubsets(int n, int c, int k)
    {
        int hits = 0, total = 0;
        for (var mask = 0; mask < 1 << n; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != k)
            {
                continue;
            }

            total++;
            if ((mask & ((1 << c) - 1)) != 0)
            {
                hits++;
            }
        }

        return hits / (double)total;
    }

    [Fact]
    public void MatchesTheSubsetDefinition()
    {
        for (var n = 1; n <= 10; n++)
        {
            for (var c = 0; c <= n; c++)
            {
                for (var k = 1; k <= n; k++)
                {
                    Assert.Equal(BySubsets(n, c, k), PassAtK.Estimate(n, c, k), 10);
                }
            }
        }
    }

    [Fact]
    public void PassAtOneIsTheSuccessRate() => Assert.Equal(0.3, PassAtK.Estimate(200, 60, 1), 12);

    [Fact]
    public void LargeNDoesNotOverflow() => Assert.InRange(PassAtK.Estimate(1024, 3, 256), 0.5, 1.0);

    [Fact]
    public void RejectsKAboveN() => Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Estimate(4, 1, 5));

    [Fact]
    public void MajorityVoteTakesTheMostFrequentAnswer()
    {
        string?[] answers = ["7", "8", "8", null, "7", "7"];
        bool[] correct = [true, false, false, false, true, true];
        Assert.False(PassAtK.MajorityCorrect(answers, correct, 3)); // 8 wins 2-1
        Assert.True(PassAtK.MajorityCorrect(answers, correct, 6)); // 7 wins 3-2
        Assert.True(PassAtK.MajorityCorrect(answers, correct, 2)); // tie 1-1: first seen (7)
        Assert.False(PassAtK.MajorityCorrect([null, null], [false, false], 2));
    }
}
