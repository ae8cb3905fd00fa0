using System.Diagnostics;
using System.Globalization;
using Pipeline.Stages.Metrics;

namespace Pipeline.Cli.Training;

/// <summary>Shows a run's progress: one call per finished step with that step's metrics, and free-form notes.</summary>
public interface IProgressReporter : IDisposable
{
    void Note(string message);

    void Step(IReadOnlyDictionary<string, double> metrics);
}

/// <summary>What one step's metrics say, plus the ETA the reporter measured; shared by both displays.</summary>
public sealed record ProgressSnapshot(long Step, long Steps, TimeSpan? Eta, IReadOnlyDictionary<string, double> Metrics)
{
    public double Get(string key) => Metrics.TryGetValue(key, out var v) ? v : double.NaN;

    /// <summary>
    /// Stage name and busy share of the step's wall time: the graph's utilisation metrics where it
    /// reports them, else derived from the per-stage timings (summed over calls, so a stage running
    /// calls in parallel can exceed 100%).
    /// </summary>
    public IReadOnlyList<(string Stage, double Share)> Utilisation
    {
        get
        {
            const string prefix = MetricNames.StageUtilisationPrefix;
            var reported = Metrics.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(p => (p.Key[prefix.Length..], p.Value)).ToList();
            double step = Get(MetricNames.TimeStep);
            if (reported.Count > 0 || !(step > 0)) return reported;
            return [.. new[] { ("generate", MetricNames.TimeGenerate), ("verify", MetricNames.TimeVerify), ("train", MetricNames.TimeTrain) }
                .Where(t => double.IsFinite(Get(t.Item2)))
                .Select(t => (t.Item1, Get(t.Item2) / step))];
        }
    }

    /// <summary>The stages that were busy at least half a percent of the time, e.g. "generate 80%  train 15%"; idle ones would only crowd the line.</summary>
    public string FormatStages() => string.Join("  ", Utilisation
        .Where(u => u.Share >= 0.005)
        .Select(u => string.Create(CultureInfo.InvariantCulture, $"{u.Stage} {u.Share * 100:0}%")));

    public static string FormatEta(TimeSpan? eta) => eta is { } t
        ? (t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture))
        : "--:--";
}

/// <summary>
/// Estimates time left from the mean step time since the reporter started, counting only steps it
/// saw: on resume the earlier steps ran in another process and say nothing about this one's speed.
/// </summary>
public sealed class EtaClock(long steps, Func<TimeSpan> elapsed)
{
    private long? _firstStep;

    public EtaClock(long steps)
        : this(steps, StartClock())
    {
    }

    private static Func<TimeSpan> StartClock()
    {
        var watch = Stopwatch.StartNew();
        return () => watch.Elapsed;
    }

    public TimeSpan? Next(long step)
    {
        _firstStep ??= step - 1;
        long done = step - _firstStep.Value;
        if (done <= 0) return null;
        return TimeSpan.FromTicks(elapsed().Ticks / done * Math.Max(0, steps - step));
    }
}

/// <summary>Picks live or plain output: live only on a terminal, so CI logs, files and transcripts get whole lines.</summary>
public static class ProgressReporters
{
    /// <summary>plain or live forces a mode (e.g. live through a pager, plain on a terminal); anything else means auto.</summary>
    public const string ModeVariable = "PIPELINE_PROGRESS";

    public static bool UseLive(bool outputRedirected, string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        "plain" => false,
        "live" => true,
        _ => !outputRedirected,
    };

    public static IProgressReporter ForConsole(long steps) =>
        UseLive(Console.IsOutputRedirected, Environment.GetEnvironmentVariable(ModeVariable))
            ? new LiveProgress(Spectre.Console.AnsiConsole.Console, steps)
            : new PlainProgress(Console.WriteLine, steps);
}
