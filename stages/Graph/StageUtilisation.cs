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
    private readonly Func<TimeSpan> _clock;
    private readonly Lock _gate = new();
    private TimeSpan _windowStart;

    /// <param name="parallelism">The measured stages and how many messages each may work on at once; other probe names are only forwarded.</param>
    /// <param name="clock">Monotonic time; a stopwatch started here unless a test supplies one.</param>
    public StageUtilisation(IReadOnlyDictionary<string, int> parallelism, IBlockProbe? inner = null, Func<TimeSpan>? clock = null)
    {
        foreach (var (stage, workers) in parallelism)
        {
            if (workers < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), workers, $"stage '{stage}' needs a parallelism of at least 1.");
        }

        _inner = inner;
        if (clock is null)
        {
            var watch = Stopwatch.StartNew();
            clock = () => watch.Elapsed;
        }

        _clock = clock;
        _windowStart = _clock();
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
        lock (_gate)
        {
            var now = _clock();
            double wall = (now - _windowStart).TotalSeconds;
            _windowStart = now;
            var shares = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, stage) in _stages)
            {
                stage.Advance(now);
                shares[MetricNames.StageUtilisation(name)] = wall > 0 ? stage.Busy.TotalSeconds / (wall * stage.Parallelism) : 0;
                stage.Busy = TimeSpan.Zero;
            }

            return shares;
        }
    }

    private void Move(string block, int delta)
    {
        if (!_stages.TryGetValue(block, out var stage)) return;
        lock (_gate)
        {
            stage.Advance(_clock());
            stage.InFlight += delta;
        }
    }

    private sealed class Stage(int parallelism, TimeSpan since)
    {
        public int Parallelism { get; } = parallelism;

        public int InFlight { get; set; }

        public TimeSpan Busy { get; set; }

        private TimeSpan _since = since;

        /// <summary>Adds the busy time since the last change: messages in flight × time elapsed.</summary>
        public void Advance(TimeSpan now)
        {
            Busy += (now - _since) * InFlight;
            _since = now;
        }
    }
}
