using Pipeline.Cli.Training;
using Pipeline.Data.Verifiers;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Sampling;

namespace Pipeline.Tests.Stages.Graph;

/// <summary>Per-prompt rollout budgets: groups of different sizes through every block.</summary>
public class VariableGroupSizeTests
{
    [Theory]
    [InlineData("sync", "cures", 0)]
    [InlineData("async", "cures", 0)]
    [InlineData("async", "pass_rate_window", 0)]
    [InlineData("sync", "cures", 18)]
    [InlineData("async", "uniform", 18)]
    public async Task GroupsOfDifferentSizesAreGeneratedFilteredBatchedAndTrainedWithoutLoss(string mode, string sampler, int stepRollouts)
    {
        var probe = new CountingProbe { MaxDelayMs = 1 };
        var config = GraphHarness.FakeConfig(steps: 8, mode: mode, maxStaleness: 2, filter: "dynamic_sampling");
        config = config with
        {
            Task = config.Task with { PoolSize = 12 },
            Sampler = new SamplerOptions { Name = sampler, MinGroupSize = 2, MaxGroupSize = 7, Explore = 0.3, StepRollouts = stepRollouts },
        };
        using var h = new GraphHarness(config, verifier: new HashVerifier(0.5, maxDelayMs: 2, seed: 5), probe: probe);
        var result = await h.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(GraphEnd.Completed, result.End);
        Assert.Equal(Enumerable.Range(1, 8).Select(s => (long)s), h.Log.Steps.Select(s => s.Step));
        var all = h.Log.All.ToList();
        Assert.Equal(all.Count, all.Select(r => (r.GroupId, r.SampleIndex)).Distinct().Count());
        Assert.Equal(all.Count, result.Counters.RolloutsLogged);
        var groups = all.GroupBy(r => r.GroupId).ToList();
        Assert.All(groups, g =>
        {
            Assert.InRange(g.Count(), 2, 7);
            Assert.Equal(Enumerable.Range(0, g.Count()), g.Select(r => r.SampleIndex).Order());
        });
        Assert.True(groups.Select(g => g.Count()).Distinct().Count() >= 2, string.Join(",", groups.Select(g => g.Count())));
        foreach (var (_, rows) in h.Log.Steps)
        {
            var trained = rows.Where(r => r.FilterDecision == Fate.Trained).GroupBy(r => r.GroupId).ToList();
            Assert.Equal(config.Task.PromptsPerStep, trained.Count);
            // Async steps train groups in arrival order, mixing groups drawn for neighbouring steps,
            // so only a sync step's rows are its own total.
            if (stepRollouts > 0 && mode == "sync") Assert.Equal(stepRollouts, trained.Sum(g => g.Count()));
            // Group-relative advantages centre on zero within each kept group, whatever its size.
            Assert.All(trained, g => Assert.Equal(0, g.Sum(r => (double)r.Advantage), 3));
        }

        if (stepRollouts > 0)
        {
            // Every slot ends with one trained group and a replacement keeps its slot's size, so the
            // groups drawn for a step add up to the total in both modes. The target step is read
            // back from the group id, the draw number ((t−1)·P + s)·Stride + r of SlotPlan.
            var byTarget = all.Where(r => r.FilterDecision == Fate.Trained).GroupBy(r => (r.GroupId / SlotPlan.Stride / config.Task.PromptsPerStep) + 1);
            Assert.Equal(8, byTarget.Count());
            Assert.All(byTarget, t => Assert.Equal(stepRollouts, t.Count()));
        }

        var stats = h.Sampler.Statistics;
        var scored = all.Where(r => r.FilterDecision != Fate.Failed).GroupBy(r => r.PromptId);
        Assert.All(scored, g => Assert.Equal(g.Count(), stats[g.Key].Attempts));
    }
}
