using System.Globalization;
using Pipeline.Stages.Metrics;

namespace Pipeline.Cli.Training;

/// <summary>One line per step, nothing redrawn: what a log file or CI console can keep.</summary>
public sealed class PlainProgress(Action<string> write, long steps, EtaClock? clock = null) : IProgressReporter
{
    private readonly EtaClock _clock = clock ?? new EtaClock(steps);

    public void Note(string message) => write(message);

    public void Step(IReadOnlyDictionary<string, double> metrics)
    {
        long step = (long)metrics[MetricNames.Step];
        write(Line(new ProgressSnapshot(step, steps, _clock.Next(step), metrics)));
    }

    public static string Line(ProgressSnapshot s)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{MetricsJsonlSink.Progress(s.Metrics, s.Steps)}  {s.Get(MetricNames.TokensPerSecond):0} tok/s  eta {ProgressSnapshot.FormatEta(s.Eta)}");
        var stages = s.FormatStages();
        return stages.Length > 0 ? $"{line}  busy: {stages}" : line;
    }

    public void Dispose()
    {
    }
}
