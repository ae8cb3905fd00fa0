using Pipeline.Cli.Configuration;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Sampling;

namespace Pipeline.Tests.Stages.Sampling;

public class RolloutBudgetTests
{
    [Fact]
    public void GroupSizesGrowWithUncertaintyAndStayWithinTheBounds()
    {
        var pool = SamplingPool.Of(4);
        var options = new SamplerOptions { Name = "cures", MinGroupSize = 2, MaxGroupSize = 10 };
        var s = SamplerRegistry.Create(pool, 1, options);
        s.Record("p0", 8, 4, 1, 0);   // p = 0.5: 4·p(1−p) = 1 → max
        s.Record("p1", 98, 0, 1, 0);  // p = 0.01: 4·0.0099 ≈ 0.04 → 2 + round(0.32) = 2
        s.Record("p2", 2, 0, 1, 0);   // p = 0.25: 0.75 → 2 + 6 = 8
        Assert.Equal(10, s.GroupSize(pool[0], 2, 4));
        Assert.Equal(2, s.GroupSize(pool[1], 2, 4));
        Assert.Equal(8, s.GroupSize(pool[2], 2, 4));
        Assert.Equal(10, s.GroupSize(pool[3], 2, 4)); // unseen: prior mean 0.5
        var rng = new Random(3);
        for (int i = 0; i < 200; i++) s.Record(pool[i % 4].Id, 8, rng.Next(0, 9), 2, 0);
        Assert.All(pool, p => Assert.InRange(s.GroupSize(p, 3, 4), 2, 10));
    }

    [Fact]
    public void WithoutBudgetsEverySamplerKeepsTheConfiguredSize()
    {
        var pool = SamplingPool.Of(4);
        foreach (var name in SamplerRegistry.Default.Names)
        {
            var s = SamplerRegistry.Create(pool, 1, new SamplerOptions { Name = name });
            s.Record("p0", 8, 4, 1, 0);
            Assert.Equal(5, s.GroupSize(pool[0], 2, 5));
        }
    }

    [Fact]
    public void TheConfigNamesTheSamplerFieldOfEveryProblem()
    {
        var errors = new RunConfig { Sampler = new SamplerOptions { Name = "edge", Floor = 0, MinGroupSize = 1, MaxGroupSize = 0 } }.Validate();
        Assert.Contains(errors, e => e.StartsWith("sampler.name: unknown prompt sampler 'edge'; valid names: cures, pass_rate_window, uniform", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sampler.floor:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sampler.min_group_size:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sampler.max_group_size:", StringComparison.Ordinal));
        Assert.Empty(new RunConfig { Sampler = new SamplerOptions { Name = "cures", MinGroupSize = 2, MaxGroupSize = 6 } }.Validate());
        Assert.Empty(new RunConfig { Sampler = new SamplerOptions { MinGroupSize = 2, MaxGroupSize = 6, StepRollouts = 24 } }.Validate());
        Assert.Contains(new RunConfig { Sampler = new SamplerOptions { MinGroupSize = 2, MaxGroupSize = 6, StepRollouts = 25 } }.Validate(), e => e.StartsWith("sampler.step_rollouts: 25 must be 0 or lie in", StringComparison.Ordinal));
        Assert.Contains(new RunConfig { Sampler = new SamplerOptions { StepRollouts = 16 } }.Validate(), e => e.StartsWith("sampler.step_rollouts:", StringComparison.Ordinal));
        Assert.Throws<Pipeline.Stages.Algorithms.UnknownComponentException>(() => SamplerRegistry.Create(SamplingPool.Of(2), 1, new SamplerOptions { Name = "edge" }));
        Assert.IsType<UniformPromptSampler>(SamplerRegistry.Create(SamplingPool.Of(2), 1, new SamplerOptions()));
    }
}
