using Pipeline.Data.Problems;
using Pipeline.Stages.Graph;

namespace Pipeline.Tests.Stages.Graph;

public class SamplerTests
{
    private static readonly Problem[] Pool = [.. Enumerable.Range(0, 50).Select(i => new Problem { Id = $"p{i}", Prompt = "x", Answer = "1", Task = "t" })];

    [Fact]
    public void UniformSamplerVisitsEveryPromptOncePerEpochAndRepeatsForTheSameSeed()
    {
        var a = new UniformPromptSampler(Pool, 7);
        var b = new UniformPromptSampler(Pool, 7);
        var epoch0 = Enumerable.Range(0, 50).Select(d => a.Next(d).Id).ToList();
        Assert.Equal(50, epoch0.Distinct().Count());
        Assert.Equal(epoch0, Enumerable.Range(0, 50).Select(d => b.Next(d).Id));
        var epoch1 = Enumerable.Range(50, 50).Select(d => a.Next(d).Id).ToList();
        Assert.Equal(50, epoch1.Distinct().Count());
        Assert.NotEqual(epoch0, epoch1);
        Assert.NotEqual(epoch0, Enumerable.Range(0, 50).Select(d => new UniformPromptSampler(Pool, 8).Next(d).Id));
    }

    [Fact]
    public void StatisticsAccumulateAndRestore()
    {
        var s = new UniformPromptSampler(Pool, 1);
        s.Record("p1", 4, 1, 3, 40);
        s.Record("p1", 4, 3, 5, 20);
        Assert.Equal(new PromptStatistics(8, 4, 5, 60), s.Statistics["p1"]);
        Assert.Equal(7.5, s.Statistics["p1"].MeanCompletionLength);
        Assert.Equal(0.5, s.Statistics["p1"].PassRate);
        var t = new UniformPromptSampler(Pool, 1);
        t.Restore(s.Statistics);
        Assert.Equal(s.Statistics["p1"], t.Statistics["p1"]);
    }

    [Fact]
    public void DrawNumbersAreUniquePerSlotAndAttempt()
    {
        var plan = new SlotPlan("r", 3, 4, 1);
        var draws = new HashSet<long>();
        for (long step = 1; step <= 4; step++)
            for (int slot = 0; slot < 3; slot++)
                for (int round = 0; round < SlotPlan.Stride; round++) Assert.True(draws.Add(plan.Draw(step, slot, round)));
        Assert.Throws<InvalidOperationException>(() => plan.Draw(1, 0, SlotPlan.Stride));
    }
}
