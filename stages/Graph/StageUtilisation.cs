using System.Diagnostics;
using Pipeline.Stages.Metrics;

namespace Pipeline.Stages.Graph;

/// <summary>
/// How busy each stage's workers were since the previous <see cref="Snapshot"/>:
/// busy time / (wall time × parallelism), where busy time integrates the messages in flight
/// between a block's Enter and Exit. A probe, so every block is measured without timing itself;
/// it forwards to an inner probe so test probes keep working when it is installed.
/// </summary>
public sealed class StageUtilisation : IBlockProbe
{
    private readonly Dictionary<string, Stage> _stages;
    private readonly IBlockProbe? _inner;
    private readonly Func<long> _now;
    private readonly double _ticksPerSecond;
    private readonly Lock _window = new();
    private long _windowStart;

    /// <param name="parallelism">The measured stages and how many messages each may work on at once; other probe names are only forwarded.</param>
    /// <param name="clock">Monotonic time for tests; the stopwatch timestamp otherwise (read directly: this runs twice per message per block).</param>
    public StageUtilisation(IReadOnlyDictionary<string, int> parallelism, IBlockProbe? inner = null, Func<TimeSpan>? clock = null)
    {
        foreach (var (stage, workers) in parallelism)
        {
            if (workers < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), workers, $"stage '{stage}' needs a parallelism of at least 1.");
        }

        _inner = inner;
        if (clock is null)
        {
            _now = Stopwatch.GetTimestamp;
            _ticksPerSecond = Stopwatch.Frequency;
        }
        else
        {
            _now = () => clock().Ticks;
            _ticksPerSecond = TimeSpan.TicksPerSecond;
        }

        _windowStart = _now();
        _stages = parallelism.ToDictionary(p => p.Key, p => new Stage(p.Value, _windowStart), StringComparer.Ordinal);
    }

    /// <summary>
    /// The stages of the training graph with the parallelism their blocks run at: generate and
    /// verify as configured, the rest serial (their blocks keep state between messages).
    /// </summary>
    public static StageUtilisation ForGraph(GraphOptions options, IBlockProbe? inner = null, Func<TimeSpan>? clock = null) => new(
        new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["sample"] = 1,
            ["generate"] = options.Generate.Parallelism,
            ["verify"] = options.Verify.Parallelism,
            ["group_filter"] = 1,
            ["batch"] = 1,
            ["advantage"] = 1,
            ["train"] = 1,
            ["metrics"] = 1,
            ["log"] = 1,
        },
        inner,
        clock);

    // Busy from Enter, so that work an inner probe injects (a test's delay) counts as the stage's.
    public void Enter(string block, object message)
    {
        Move(block, +1);
        _inner?.Enter(block, message);
    }

    public void Exit(string block, object message)
    {
        _inner?.Exit(block, message);
        Move(block, -1);
    }

    /// <summary>Each stage's utilisation since the previous snapshot (or construction), keyed by metric name; starts the next window.</summary>
    public Dictionary<string, double> Snapshot()
    {
        lock (_window)
        {
            long now = _now();
            double wall = (now - _windowStart) / _ticksPerSecond;
            _windowStart = now;
            var shares = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, stage) in _stages)
            {
                long busy;
                lock (stage)
                {
                    stage.Advance(now);
                    busy = stage.Busy;
                    stage.Busy = 0;
                }

                shares[MetricNames.StageUtilisation(name)] = wall > 0 ? busy / _ticksPerSecond / (wall * stage.Parallelism) : 0;
            }

            return shares;
        }
    }

    private void Move(string block, int delta)
    {
        if (!_stages.TryGetValue(block, out var stage)) return;
        // One lock per stage: the verify workers contend only with each other, not with every block.
        lock (stage)
        {
            stage.Advance(_now());
            stage.InFlight += delta;
        }
    }

    private sealed class Stage(int parallelism, long since)
    {
        public int Parallelism { get; } = parallelism;

        public int InFlight { get; set; }

        /// <summary>Busy ticks since the last snapshot.</summary>
        public long Busy { get; set; }

        private long _since = since;

        /// <summary>
        /// Adds the busy time since the last change: messages in flight × time elapsed. A snapshot's
        /// time can precede a change made between its clock read and its taking this stage's lock;
        /// that sliver then counts in this window (nanoseconds early) instead of going negative.
        /// </summary>
        public void Advance(long now)
        {
            if (now <= _since) return;
            // A batched call works on several messages with one worker: busy is capped at the workers.
            Busy += (now - _since) * Math.Min(InFlight, Parallelism);
            _since = now;
        }
    }
}
