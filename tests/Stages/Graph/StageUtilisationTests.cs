using Pipeline.Stages.Graph;
using Pipeline.Stages.Metrics;

namespace Pipeline.Tests.Stages.Graph;

public class StageUtilisationTests
{
    private sealed class FakeClock
    {
        public TimeSpan Now { get; set; }
    }

    private sealed class CountingProbe : IBlockProbe
    {
        public List<string> Seen { get; } = [];

        public void Enter(string block, object message) => Seen.Add("enter " + block);

        public void Exit(string block, object message) => Seen.Add("exit " + block);
    }

    /// <summary>The slow, obvious computation: each message's busy interval clipped to the window, summed, over window × workers.</summary>
    private static double Reference(IEnumerable<(double Start, double End)> intervals, double from, double to, int workers) =>
        intervals.Sum(i => Math.Max(0, Math.Min(i.End, to) - Math.Max(i.Start, from))) / ((to - from) * workers);

    [Fact]
    public void TwoOfFourWorkersBusyHalfTheTimeIsAQuarter()
    {
        var clock = new FakeClock();
        var utilisation = new StageUtilisation(new Dictionary<string, int> { ["verify"] = 4, ["train"] = 1 }, clock: () => clock.Now);
        utilisation.Enter("verify", 1);
        utilisation.Enter("verify", 2);
        clock.Now = TimeSpan.FromSeconds(5);
        utilisation.Exit("verify", 1);
        utilisation.Exit("verify", 2);
        clock.Now = TimeSpan.FromSeconds(10);
        var shares = utilisation.Snapshot();
        Assert.Equal(0.25, shares[MetricNames.StageUtilisation("verify")], 12);
        Assert.Equal(0.0, shares[MetricNames.StageUtilisation("train")]);
    }

    [Fact]
    public void WorkSpanningASnapshotIsSplitBetweenWindows()
    {
        var clock = new FakeClock();
        var utilisation = new StageUtilisation(new Dictionary<string, int> { ["train"] = 1 }, clock: () => clock.Now);
        clock.Now = TimeSpan.FromSeconds(1);
        utilisation.Enter("train", 1);
        clock.Now = TimeSpan.FromSeconds(4);
        Assert.Equal(0.75, utilisation.Snapshot()[MetricNames.StageUtilisation("train")], 12); // busy 1..4 of 0..4
        clock.Now = TimeSpan.FromSeconds(6);
        utilisation.Exit("train", 1);
        clock.Now = TimeSpan.FromSeconds(8);
        Assert.Equal(0.5, utilisation.Snapshot()[MetricNames.StageUtilisation("train")], 12); // busy 4..6 of 4..8
    }

    [Fact]
    public void MatchesTheReferenceOverRandomOverlappingWork()
    {
        var random = new Random(11);
        var stages = new Dictionary<string, int> { ["generate"] = 2, ["verify"] = 4, ["train"] = 1 };
        // Each worker of each stage runs back-to-back messages separated by idle gaps, so a stage
        // never has more messages in flight than workers.
        var events = new List<(double Time, string Stage, bool Enter, int Message)>();
        var intervals = stages.Keys.ToDictionary(s => s, _ => new List<(double Start, double End)>());
        int message = 0;
        foreach (var (stage, workers) in stages)
        {
            for (int w = 0; w < workers; w++)
            {
                double t = random.NextDouble();
                while (t < 95)
                {
                    double end = t + (random.NextDouble() * 3);
                    intervals[stage].Add((t, end));
                    events.Add((t, stage, true, message));
                    events.Add((end, stage, false, message++));
                    t = end + (random.NextDouble() * 2);
                }
            }
        }

        var snapshots = Enumerable.Range(0, 12).Select(_ => random.NextDouble() * 100).Append(100).Order().ToList();
        var clock = new FakeClock();
        var utilisation = new StageUtilisation(stages, clock: () => clock.Now);
        var queue = events.OrderBy(e => e.Time).ToList();
        int next = 0;
        double from = 0;
        foreach (double at in snapshots)
        {
            for (; next < queue.Count && queue[next].Time <= at; next++)
            {
                var e = queue[next];
                clock.Now = TimeSpan.FromSeconds(e.Time);
                if (e.Enter) utilisation.Enter(e.Stage, e.Message);
                else utilisation.Exit(e.Stage, e.Message);
            }

            clock.Now = TimeSpan.FromSeconds(at);
            var shares = utilisation.Snapshot();
            foreach (var (stage, workers) in stages)
            {
                double expected = Reference(intervals[stage], from, at, workers);
                // TimeSpan keeps 100 ns ticks: a few ticks per event of rounding.
                Assert.Equal(expected, shares[MetricNames.StageUtilisation(stage)], 1e-6);
                Assert.InRange(shares[MetricNames.StageUtilisation(stage)], 0, 1 + 1e-9);
            }

            from = at;
        }
    }

    [Fact]
    public void ConcurrentWorkersLeaveNothingInFlightAndNeverExceedTheirParallelism()
    {
        var utilisation = new StageUtilisation(new Dictionary<string, int> { ["verify"] = 4, ["train"] = 1 });
        using var start = new Barrier(4);
        var workers = Enumerable.Range(0, 4).Select(worker => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 200_000; i++)
            {
                utilisation.Enter("verify", i);
                if (worker == 0) utilisation.Enter("train", i);
                if (worker == 0) utilisation.Exit("train", i);
                utilisation.Exit("verify", i);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        var during = utilisation.Snapshot();
        Assert.InRange(during[MetricNames.StageUtilisation("verify")], 1e-9, 1.0);
        Assert.InRange(during[MetricNames.StageUtilisation("train")], 1e-9, 1.0);
        Thread.Sleep(5);
        // A lost update would leave a message "in flight" forever and show here as busy time.
        Assert.All(utilisation.Snapshot().Values, share => Assert.Equal(0, share));
    }

    [Fact]
    public void ForwardsEveryCallToTheInnerProbeAndIgnoresUnmeasuredNames()
    {
        var inner = new CountingProbe();
        var clock = new FakeClock();
        var utilisation = StageUtilisation.ForGraph(new GraphOptions { Verify = new BlockOptions(8, 2) }, inner, () => clock.Now);
        utilisation.Enter("verify", 1);
        utilisation.Enter("decide", 2);
        utilisation.Exit("decide", 2);
        clock.Now = TimeSpan.FromSeconds(2);
        utilisation.Exit("verify", 1);
        Assert.Equal(["enter verify", "enter decide", "exit decide", "exit verify"], inner.Seen);
        var shares = utilisation.Snapshot();
        Assert.Equal(0.5, shares[MetricNames.StageUtilisation("verify")], 12); // one of two workers, all the time
        Assert.DoesNotContain(MetricNames.StageUtilisation("decide"), shares.Keys);
        Assert.Equal(["sample", "generate", "verify", "group_filter", "batch", "advantage", "train", "metrics", "log"],
            shares.Keys.Select(k => k[MetricNames.StageUtilisationPrefix.Length..]));
    }

    [Fact]
    public void TheSinkAddsTheSharesToEachLine()
    {
        var clock = new FakeClock();
        var utilisation = new StageUtilisation(new Dictionary<string, int> { ["train"] = 1 }, clock: () => clock.Now);
        var lines = new List<IReadOnlyDictionary<string, double>>();
        var sink = new StageUtilisationSink(new ListSink(lines), utilisation);
        utilisation.Enter("train", 1);
        clock.Now = TimeSpan.FromSeconds(3);
        utilisation.Exit("train", 1);
        clock.Now = TimeSpan.FromSeconds(4);
        sink.Write(new Dictionary<string, double> { [MetricNames.Step] = 1 });
        var line = Assert.Single(lines);
        Assert.Equal(1, line[MetricNames.Step]);
        Assert.Equal(0.75, line[MetricNames.StageUtilisation("train")], 12);
    }

    private sealed class ListSink(List<IReadOnlyDictionary<string, double>> lines) : IMetricsSink
    {
        public void Write(IReadOnlyDictionary<string, double> metrics) => lines.Add(metrics);
    }
}
