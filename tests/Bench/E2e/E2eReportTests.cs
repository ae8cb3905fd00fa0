using Pipeline.Bench.E2e;

namespace Pipeline.Tests.Bench.E2e;

public class E2eReportTests
{
    private static SideSummary Side(string name, double stepSeconds, int rollouts, long tokens, long peakMiB) =>
        new(name, [new SideRun(
            [new StepSample(2, stepSeconds / 2, stepSeconds / 4, stepSeconds, rollouts, tokens, 1e9, 3e9),
             new StepSample(3, stepSeconds / 2, stepSeconds / 4, stepSeconds, rollouts, tokens, 1e9, 3e9)],
            peakMiB * 1048576, 10)]);

    [Fact]
    public void SummaryPoolsTotalsOverTotals()
    {
        var s = new SideSummary("x", [
            new SideRun([new StepSample(2, 0.5, 0.25, 1, 16, 320, 0, 0)], 100, 3),
            new SideRun([new StepSample(2, 1.5, 1, 3, 16, 320, 0, 0)], 200, 5)]);
        Assert.Equal(32 / 4.0, s.RolloutsPerSecond);
        Assert.Equal(640 / 4.0, s.TokensPerSecond);
        Assert.Equal(2, s.MeanStep);
        Assert.Equal(1, s.MeanGenerate);
        Assert.Equal(0.375, s.MeanOther);
        Assert.Equal(200, s.PeakRssBytes);
        Assert.Equal(2, s.MeanOverhead); // (3 − 1 + 5 − 3) / 2
    }

    [Fact]
    public void TableHoldsBothSidesTheRatiosAndTheMachine()
    {
        var ours = Side("ours", 1, 16, 320, 300);
        var peer = Side("peer", 2, 16, 320, 600);
        var md = E2eReport.Format(new E2eOptions(), "tiny", ours, peer, peakGflops: 10, machine: "- CPU: Test CPU", DateTimeOffset.UnixEpoch);
        Assert.Contains("| rollouts/s | 16.00 | 8.00 | 2.00 |", md);
        Assert.Contains("| step time, s | 1.000 | 2.000 | 0.50 (lower is better) |", md);
        Assert.Contains("| peak RSS, MiB | 300 | 600 | 0.50 (lower is better) |", md);
        Assert.Contains("Measured: 2.00x, goal met.", md);
        // 2e9 generation FLOPs over 1 s of generation against a 10 GFLOP/s peak.
        Assert.Contains("generation 20.0 % ours, 10.0 % peer", md);
        Assert.Contains(new E2eOptions().CommandLine(), md);
        Assert.Contains("so a step's 4 groups of 4 usually share one call; peer 1 call of 16 rows", md);
        Assert.Contains("## Machine\n\n- CPU: Test CPU", md.Replace("\r\n", "\n"));
    }

    [Fact]
    public void AShortfallIsReportedAsNotMet()
    {
        var md = E2eReport.Format(new E2eOptions(), "tiny", Side("ours", 1, 16, 320, 300), Side("peer", 1, 16, 320, 300), 10, "-", DateTimeOffset.UnixEpoch);
        Assert.Contains("Measured: 1.00x, goal not met.", md);
        Assert.Contains("1 intra-op thread(s) on both sides", md);
        Assert.DoesNotContain("async mode", md);
    }

    [Fact]
    public void SplitThreadsAndAsyncModeAreSpelledOut()
    {
        var o = new E2eOptions { Mode = "async", PeerThreads = 2 };
        var md = E2eReport.Format(o, "tiny", Side("ours", 1, 16, 320, 300), Side("peer", 1, 16, 320, 300), 10, "-", DateTimeOffset.UnixEpoch);
        Assert.Contains("1 intra-op thread(s) ours (per stage), 2 the peer", md);
        Assert.Contains("In async mode our generation of step n+1 runs while step n trains", md);
        Assert.Contains("--peer-threads 2", md);
    }

    [Fact]
    public void PeerOutputDropsTheWarmUpStepAndKeepsTheLargerPeak()
    {
        var flops = new FlopCounter(10, 4, 6, 1, 2, 1);
        const string json = """
            {"steps": [
              {"step": 1, "generate_s": 9, "score_s": 0, "train_s": 9, "step_s": 18, "reward": 0, "lengths": [[3, 2]]},
              {"step": 2, "generate_s": 0.5, "score_s": 0.01, "train_s": 0.25, "step_s": 0.76, "reward": 0, "lengths": [[3, 2], [4, 1]]}],
             "peak_rss_kib": 2048, "torch": "1.13", "threads": 1}
            """;
        var run = new PeerRunner("python3", "peer.py", flops).Parse(json.ReplaceLineEndings(" "), polledPeakBytes: 1024, wallSeconds: 5);
        var step = Assert.Single(run.Steps);
        Assert.Equal(2, step.Rollouts);
        Assert.Equal(3, step.CompletionTokens);
        Assert.Equal(flops.Generation(3, 2) + flops.Generation(4, 1), step.GenerationFlops);
        Assert.Equal(0.01, step.Other, 9);
        Assert.Equal(2048 * 1024, run.PeakRssBytes);
        Assert.Empty(new PeerRunner("python3", "peer.py", flops).Parse(json.ReplaceLineEndings(" "), 1024, 5, warmupSteps: 2).Steps);
    }

    [Fact]
    public void ReadsVmHwmAndMemTotal()
    {
        Assert.Equal(1234 * 1024L, ChildProcess.VmHwm("Name:\tdotnet\nVmPeak:\t  9999 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n"));
        Assert.Equal(0, ChildProcess.VmHwm("Name:\tx\n"));
        Assert.Equal(24_000_000L * 1024, Pipeline.Cli.Diagnostics.MachineDescription.MemTotal("MemTotal:       24000000 kB\nMemFree: 1 kB\n"));
    }
}
