using Pipeline.Stages.Sampling;

namespace Pipeline.Tests.Stages.Sampling;

public class PassRateWindowSamplerTests
{
    private static readonly SamplerOptions Options = new() { Name = "pass_rate_window", WindowLow = 0.3, WindowHigh = 0.7, Explore = 0 };

    [Fact]
    public void NeverPicksAPromptKnownToLieOutsideTheWindowWhileInWindowOnesExist()
    {
        var pool = SamplingPool.Of(20);
        var s = new PassRateWindowSampler(pool, 3, Options);
        // Prior 1/1: 8/16 → 0.5 (inside), 0/16 → 1/18 and 16/16 → 17/18 (outside).
        for (int i = 0; i < 20; i++) s.Record($"p{i}", 16, i % 4 == 0 ? 8 : (i % 2 == 0 ? 0 : 16), 1, 0);
        var picked = Enumerable.Range(0, 2000).Select(d => s.Next(d, 2).Id).ToList();
        Assert.All(picked, id => Assert.Equal(0, int.Parse(id[1..]) % 4));
        Assert.Equal(5, picked.Distinct().Count());
    }

    [Fact]
    public void ExploresUnseenPromptsAtTheConfiguredRate()
    {
        var pool = SamplingPool.Of(10);
        var s = new PassRateWindowSampler(pool, 5, Options with { Explore = 0.25 });
        for (int i = 0; i < 5; i++) s.Record($"p{i}", 4, 2, 1, 0);
        var picked = Enumerable.Range(0, 8000).Select(d => int.Parse(s.Next(d, 2).Id[1..])).ToList();
        double unseenShare = picked.Count(i => i >= 5) / (double)picked.Count;
        Assert.InRange(unseenShare, 0.22, 0.28);
    }

    [Fact]
    public void FallsBackToUnseenThenToTheClosestPromptsWhenTheWindowIsEmpty()
    {
        var pool = SamplingPool.Of(4);
        var s = new PassRateWindowSampler(pool, 1, Options);
        s.Record("p0", 16, 0, 1, 0);
        s.Record("p1", 16, 16, 1, 0);
        Assert.All(Enumerable.Range(0, 200), d => Assert.Contains(s.Next(d, 2).Id, new[] { "p2", "p3" }));
        s.Record("p2", 16, 1, 2, 0);  // 2/18 ≈ 0.11: nearest to 0.3
        s.Record("p3", 16, 16, 2, 0);
        Assert.All(Enumerable.Range(0, 200), d => Assert.Equal("p2", s.Next(d, 3).Id));
    }

    [Fact]
    public void TheSameSeedAndStatisticsGiveTheSameDraws()
    {
        var pool = SamplingPool.Of(30);
        var a = new PassRateWindowSampler(pool, 9, Options with { Explore = 0.5 });
        var b = new PassRateWindowSampler(pool, 9, Options with { Explore = 0.5 });
        var c = new PassRateWindowSampler(pool, 10, Options with { Explore = 0.5 });
        foreach (var s in new[] { a, b, c })
            for (int i = 0; i < 10; i++) s.Record($"p{i}", 4, 2, 1, 0);
        var da = Enumerable.Range(0, 100).Select(d => a.Next(d, 2).Id).ToList();
        Assert.Equal(da, Enumerable.Range(0, 100).Select(d => b.Next(d, 2).Id));
        Assert.NotEqual(da, Enumerable.Range(0, 100).Select(d => c.Next(d, 2).Id));
    }
}
