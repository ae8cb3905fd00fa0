using Pipeline.Stages.Sampling;

namespace Pipeline.Tests.Stages.Sampling;

public class CuresSamplerTests
{
    [Fact]
    public void ProbabilitiesFollowBernoulliVarianceMixedWithTheFloor()
    {
        var pool = SamplingPool.Of(3);
        var s = new CuresSampler(pool, 1, new SamplerOptions { Name = "cures", Floor = 0.1 });
        s.Record("p0", 8, 4, 1, 0);   // Beta(5, 5): p = 0.5, signal 0.25
        s.Record("p1", 8, 0, 1, 0);   // Beta(1, 9): p = 0.1, signal 0.09
        s.Record("p2", 8, 8, 1, 0);   // Beta(9, 1): p = 0.9, signal 0.09
        var q = s.Probabilities(2);
        Assert.Equal((0.9 * 0.25 / 0.43) + (0.1 / 3), q[0], 12);
        Assert.Equal((0.9 * 0.09 / 0.43) + (0.1 / 3), q[1], 12);
        Assert.Equal(1.0, q.Sum(), 12);
    }

    [Fact]
    public void TemperatureSharpensAndPosteriorVarianceIsTheAlternativeSignal()
    {
        var pool = SamplingPool.Of(2);
        var sharp = new CuresSampler(pool, 1, new SamplerOptions { Name = "cures", Floor = 1e-9, Temperature = 0.5 });
        sharp.Record("p0", 8, 4, 1, 0);
        sharp.Record("p1", 8, 0, 1, 0);
        var q = sharp.Probabilities(2);
        Assert.Equal(0.0625 / (0.0625 + 0.0081), q[0], 6);

        var variance = new CuresSampler(pool, 1, new SamplerOptions { Name = "cures", Floor = 1e-9, Signal = "posterior_variance" });
        variance.Record("p0", 98, 49, 1, 0); // Beta(50, 50): variance 0.25/101
        var v = variance.Probabilities(2);   // p1 unseen: Beta(1, 1), variance 1/12
        Assert.Equal((1.0 / 12) / ((1.0 / 12) + (0.25 / 101)), v[1], 6);
    }

    [Fact]
    public void HalfSolvedPromptsAreDrawnMoreOftenThanSolvedOrFailedOnesAndNoneStarves()
    {
        var pool = SamplingPool.Of(30);
        var s = new CuresSampler(pool, 42, new SamplerOptions { Name = "cures", Floor = 0.05 });
        // p0..p9 half solved, p10..p19 always failed, p20..p29 always solved, 32 attempts each.
        for (int i = 0; i < 30; i++) s.Record($"p{i}", 32, i < 10 ? 16 : (i < 20 ? 0 : 32), 1, 0);
        var counts = new int[30];
        const int draws = 30_000;
        for (int d = 0; d < draws; d++) counts[int.Parse(s.Next(d, 2).Id[1..])]++;
        var q = s.Probabilities(2);
        for (int i = 0; i < 30; i++) Assert.InRange(counts[i] / (double)draws, q[i] * 0.85, q[i] * 1.15);
        Assert.True(counts[..10].Min() > 3 * counts[10..].Max(), string.Join(",", counts));
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Fact]
    public void RecordsOfTheStepBeingFilledDoNotChangeItsDraws()
    {
        var pool = SamplingPool.Of(20);
        var s = new CuresSampler(pool, 7, new SamplerOptions { Name = "cures" });
        s.Record("p3", 8, 4, 1, 0);
        var before = Enumerable.Range(0, 50).Select(d => s.Next(d, 2).Id).ToList();
        s.Record("p4", 8, 0, 2, 0);
        Assert.Equal(before, Enumerable.Range(0, 50).Select(d => s.Next(d, 2).Id));
        Assert.NotEqual(before, Enumerable.Range(0, 50).Select(d => s.Next(d, 3).Id));
    }
}
