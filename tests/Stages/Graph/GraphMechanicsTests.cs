using Pipeline.Cli.Training;
using Pipeline.Data.Verifiers;
using Pipeline.Stages.Graph;

namespace Pipeline.Tests.Stages.Graph;

public class GraphMechanicsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static void AssertLogConsistent(GraphHarness h, int steps)
    {
        var logged = h.Log.Steps;
        Assert.Equal(Enumerable.Range(1, steps).Select(s => (long)s), logged.Select(s => s.Step));
        var all = h.Log.All.ToList();
        Assert.Equal(all.Count, all.Select(r => (r.Step, r.PromptId, r.GroupId, r.SampleIndex)).Distinct().Count());
        Assert.Equal(all.Count, all.Select(r => (r.GroupId, r.SampleIndex)).Distinct().Count());
        foreach (var (step, rows) in logged)
        {
            var trained = rows.Where(r => r.FilterDecision == Fate.Trained).ToList();
            Assert.Equal(h.Config.Task.PromptsPerStep * h.Config.Task.GroupSize, trained.Count);
            Assert.All(rows.Where(r => r.FilterDecision != Fate.Trained), r => Assert.False(string.IsNullOrEmpty(r.FilterReason)));
            Assert.All(rows.GroupBy(r => r.GroupId), g => Assert.Equal(h.Config.Task.GroupSize, g.Count()));
        }
    }

    [Fact]
    public async Task SyncRunTrainsEveryStepOnPolicyAndLogsEveryGeneratedRollout()
    {
        var probe = new CountingProbe();
        using var h = new GraphHarness(GraphHarness.FakeConfig(steps: 8, filter: "dynamic_sampling"), probe: probe);
        var result = await h.RunAsync().WaitAsync(Bound);

        Assert.Equal(GraphEnd.Completed, result.End);
        AssertLogConsistent(h, 8);
        var all = h.Log.All.ToList();
        Assert.Equal(probe.Entered("generate") * h.Config.Task.GroupSize, all.Count);
        Assert.Equal(all.Count, result.Counters.RolloutsLogged);
        Assert.Contains(all, r => r.FilterDecision == Fate.Filtered && r.FilterReason!.StartsWith("zero_std", StringComparison.Ordinal));
        Assert.All(all, r => Assert.Equal(r.Step - 1, r.PolicyVersion));
        Assert.Equal(8, h.Metrics.Lines.Count);
        Assert.All(h.Metrics.Lines, m => Assert.Equal(0, m["training/off_policy/trajectory_staleness/max"]));
    }

    [Fact]
    public async Task BoundsHoldForConcurrencyAndGroupsInFlight()
    {
        foreach (var (mode, staleness) in new[] { ("sync", 1), ("async", 2) })
        {
            var probe = new CountingProbe { MaxDelayMs = 1 };
            var config = GraphHarness.FakeConfig(steps: 6, mode: mode, maxStaleness: staleness, filter: "dynamic_sampling");
            using var h = new GraphHarness(config, verifier: new HashVerifier(0.5, maxDelayMs: 2), probe: probe);
            await h.RunAsync().WaitAsync(Bound);
            var o = config.Pipeline;
            Assert.InRange(probe.Max("verify"), 1, o.VerifyParallelism);
            // Each of the parallel calls may batch the groups waiting, up to its row bound.
            Assert.InRange(probe.Max("generate"), 1, o.GenerateParallelism * Math.Max(1, o.GenerateBatchRows / config.Task.GroupSize));
            Assert.Equal(1, probe.Max("group_filter"));
            Assert.Equal(1, probe.Max("train"));
            Assert.InRange(probe.MaxGroupsInFlight, 1, (config.EffectiveMaxStaleness + 1) * config.Task.PromptsPerStep);
            Assert.All(h.Metrics.Lines, m =>
            {
                Assert.InRange(m["queue/sample"], 0, o.SampleCapacity);
                Assert.InRange(m["queue/generate"], 0, o.GenerateCapacity);
                Assert.InRange(m["queue/verify"], 0, o.VerifyCapacity);
                Assert.InRange(m["queue/group_filter"], 0, o.GroupFilterCapacity);
                Assert.InRange(m["queue/batch"], 0, o.BatchCapacity);
                Assert.InRange(m["queue/partial_groups"], 0, (config.EffectiveMaxStaleness + 1) * config.Task.PromptsPerStep);
            });
        }
    }

    [Fact]
    public async Task AsyncRunLosesNothingUnderRandomDelaysAndRespectsStaleness()
    {
        var probe = new CountingProbe { MaxDelayMs = 2 };
        var config = GraphHarness.FakeConfig(steps: 10, mode: "async", maxStaleness: 2, filter: "dynamic_sampling");
        using var h = new GraphHarness(config, verifier: new HashVerifier(0.5, maxDelayMs: 3, seed: 7), probe: probe);
        var result = await h.RunAsync().WaitAsync(Bound);

        Assert.Equal(GraphEnd.Completed, result.End);
        AssertLogConsistent(h, 10);
        var all = h.Log.All.ToList();
        Assert.Equal(probe.Entered("generate") * config.Task.GroupSize, all.Count);
        Assert.All(all.Where(r => r.FilterDecision == Fate.Trained), r => Assert.InRange(r.Step - 1 - r.PolicyVersion, 0, 2));
        Assert.All(h.Metrics.Lines, m => Assert.InRange(m["training/off_policy/trajectory_staleness/max"], 0, 2));
    }

    [Theory]
    [InlineData("sample")]
    [InlineData("generate")]
    [InlineData("verify")]
    [InlineData("group_filter")]
    [InlineData("batch")]
    [InlineData("advantage")]
    [InlineData("train")]
    [InlineData("log")]
    [InlineData("metrics")]
    public async Task AFaultInAnyBlockEndsTheRunWithTheOriginalException(string block)
    {
        foreach (var mode in new[] { "sync", "async" })
        {
            var probe = new CountingProbe { FaultAt = block, FaultAfter = 3 };
            using var h = new GraphHarness(GraphHarness.FakeConfig(steps: 50, mode: mode), probe: probe);
            var e = await Assert.ThrowsAsync<InjectedFault>(() => h.RunAsync().WaitAsync(Bound));
            Assert.Equal(block, e.Block);
            var logged = h.Log.Steps.Select(s => s.Step).ToList();
            Assert.Equal(Enumerable.Range(1, logged.Count).Select(s => (long)s), logged);
        }
    }

    [Theory]
    [InlineData("sync")]
    [InlineData("async")]
    public async Task AStopRequestFinishesTheStepCheckpointsAndEndsStopped(string mode)
    {
        var checkpoints = new RecordingCheckpoints(every: 0);
        var config = GraphHarness.FakeConfig(steps: 1000, mode: mode, maxStaleness: 2) with { Model = new Pipeline.Cli.Configuration.ModelSection { Type = "fake", MaxLength = 6, LatencyMs = 1 } };
        using var h = new GraphHarness(config, checkpoints: checkpoints);
        using var stop = new CancellationTokenSource();
        h.Log.OnWrite = step =>
        {
            if (step == 3) stop.Cancel();
        };
        var result = await h.RunAsync(stop.Token).WaitAsync(Bound);

        Assert.Equal(GraphEnd.Stopped, result.End);
        var logged = h.Log.Steps.Select(s => s.Step).ToList();
        // The step in training when the stop came is finished and logged. The stop fires on step 3's
        // log write, and the log trails the trainer in both modes (weights are published before a step
        // is logged), so under load the trainer may already be two steps further along.
        Assert.InRange(logged.Count, 3, 6);
        Assert.Equal(Enumerable.Range(1, logged.Count).Select(s => (long)s), logged);
        var saved = Assert.Single(checkpoints.Saved);
        Assert.Equal(logged[^1], saved.Step);
        Assert.Equal(h.Log.All.Count(), saved.Counters.RolloutsLogged);
        Assert.Equal(logged.Count, h.Metrics.Lines.Count);
    }

    [Fact]
    public async Task CheckpointsFollowTheLogAndHoldTheirStepsCounters()
    {
        var checkpoints = new RecordingCheckpoints(every: 2);
        using var h = new GraphHarness(GraphHarness.FakeConfig(steps: 6, mode: "async"), checkpoints: checkpoints);
        await h.RunAsync().WaitAsync(Bound);
        Assert.Equal([2L, 4, 6], checkpoints.Saved.Select(s => s.Step));
        foreach (var (step, counters) in checkpoints.Saved)
        {
            Assert.Equal(step, counters.Step);
            Assert.Equal(h.Log.Steps.Where(s => s.Step <= step).Sum(s => s.Rows.Count), counters.RolloutsLogged);
        }
    }

    [Fact]
    public async Task AVerifierTimeoutOrErrorFailsTheRolloutWithAReasonAndRedrawsTheGroup()
    {
        var config = GraphHarness.FakeConfig(steps: 3) with { Pipeline = new Pipeline.Cli.Configuration.PipelineSection { VerifyTimeoutMs = 50 } };
        using var h = new GraphHarness(config, verifier: new StallingVerifier(every: 29));
        await h.RunAsync().WaitAsync(Bound);
        AssertLogConsistent(h, 3);
        var failed = h.Log.All.Where(r => r.FilterDecision == Fate.Failed).ToList();
        Assert.NotEmpty(failed);
        Assert.Contains(failed, r => r.FilterReason!.StartsWith("verify_timeout", StringComparison.Ordinal));
        Assert.Contains(failed, r => r.FilterReason!.StartsWith("verify_error: InvalidOperationException", StringComparison.Ordinal));
        Assert.All(h.Log.All.Where(r => r.FilterDecision == Fate.Filtered), r => Assert.Equal("rollout_failed", r.FilterReason));
    }

    [Fact]
    public async Task UnsolvedGroupsAreRetriedWithTheNextHintTierThenKept()
    {
        var config = GraphHarness.FakeConfig(steps: 2, filter: "dynamic_sampling") with
        {
            Algorithm = new Pipeline.Stages.Algorithms.AlgorithmConfig { GroupFilter = "dynamic_sampling", GuideUnsolved = true, MaxExtraRounds = 8 },
        };
        using var h = new GraphHarness(config, verifier: new HashVerifier(0.0));
        await h.RunAsync().WaitAsync(Bound);
        AssertLogConsistent(h, 2);
        var all = h.Log.All.ToList();
        // Arithmetic problems carry three hint tiers: three guided retries, then the fourth attempt is kept.
        Assert.All(all.Where(r => r.FilterDecision == Fate.Trained), r => Assert.Equal(2, r.HintTier));
        Assert.All(all.Where(r => r.FilterDecision == Fate.Filtered), r => Assert.Equal("guided_retry:all_wrong", r.FilterReason));
        Assert.Equal(3 * 2 * config.Task.PromptsPerStep * config.Task.GroupSize, all.Count(r => r.FilterDecision == Fate.Filtered));
        Assert.All(all.Where(r => r.HintTier is not null), r =>
        {
            Assert.Equal("hinted", r.Provenance);
            Assert.Contains("Hint: ", r.GenerationContext);
        });
        Assert.Equal(all.Count(r => r.FilterDecision == Fate.Trained) / config.Task.GroupSize, h.Log.All.Where(r => r.FilterDecision == Fate.Trained).Select(r => r.GroupId).Distinct().Count());
    }

    [Fact]
    public async Task AVerifierThatAlwaysFailsEndsTheRunAfterMaxExtraRounds()
    {
        using var h = new GraphHarness(GraphHarness.FakeConfig(steps: 3), verifier: new StallingVerifier(every: 1000, errorEvery: 1));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => h.RunAsync().WaitAsync(Bound));
        Assert.Contains("failed verification in 9 attempts", e.Message);
        Assert.Contains("judge unavailable", e.Message);
    }

    [Fact]
    public async Task ANonFiniteRewardIsFatal()
    {
        using var h = new GraphHarness(GraphHarness.FakeConfig(steps: 3), verifier: new NanVerifier());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => h.RunAsync().WaitAsync(Bound));
        Assert.Contains("non-finite reward", e.Message);
    }

    private sealed class StallingVerifier(int every, int errorEvery = 0) : IAsyncVerifier
    {
        private int _calls;

        public string Name => "answer";

        public async ValueTask<VerifierResult> VerifyAsync(VerifyInput input, CancellationToken cancellationToken)
        {
            int call = Interlocked.Increment(ref _calls);
            if (call % every == 0) await Task.Delay(Timeout.Infinite, cancellationToken);
            if (errorEvery > 0 ? call % errorEvery == 0 : call % every == 3) throw new InvalidOperationException("judge unavailable");
            return VerifierResult.Of(Name, input.Completion.Length % 2, "parity");
        }
    }

    private sealed class NanVerifier : IAsyncVerifier
    {
        public string Name => "answer";

        public ValueTask<VerifierResult> VerifyAsync(VerifyInput input, CancellationToken cancellationToken) =>
            new(VerifierResult.Of(Name, double.NaN, "nan"));
    }
}
