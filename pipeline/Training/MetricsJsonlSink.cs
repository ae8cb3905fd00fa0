using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Metrics;

namespace Pipeline.Cli.Training;

/// <summary>metrics.jsonl: one JSON object per step, flushed per line; non-finite values are written as null.</summary>
public sealed class MetricsJsonlSink : IMetricsSink, IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Action<IReadOnlyDictionary<string, double>>? _progress;

    /// <param name="keepThroughStep">On resume: lines of later steps are dropped first (they will be produced again).</param>
    public MetricsJsonlSink(string path, long? keepThroughStep, Action<IReadOnlyDictionary<string, double>>? progress = null)
    {
        if (keepThroughStep is { } keep && File.Exists(path))
        {
            var kept = File.ReadLines(path).Where(line => StepOf(line) is { } s && s <= keep).ToList();
            File.WriteAllLines(path, kept);
        }
        else if (keepThroughStep is null && File.Exists(path))
        {
            File.Delete(path);
        }
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        _progress = progress;
    }

    public void Write(IReadOnlyDictionary<string, double> metrics)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in metrics)
            {
                if (double.IsFinite(value)) json.WriteNumber(key, value);
                else json.WriteNull(key);
            }
            json.WriteEndObject();
        }
        _writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        _writer.Flush();
        _progress?.Invoke(metrics);
    }

    public void Dispose() => _writer.Dispose();

    private static long? StepOf(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty(MetricNames.Step, out var s) && s.TryGetInt64(out var step) ? step : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Progress(IReadOnlyDictionary<string, double> m, long steps) => string.Create(CultureInfo.InvariantCulture,
        $"step {m[MetricNames.Step]:0}/{steps}  reward {m[MetricNames.Reward]:0.000}  pass {m[MetricNames.PassRate]:0.000}  loss {m[MetricNames.Loss]:0.0000}  kl {m[MetricNames.Kl]:0.0000}  len {m[MetricNames.MeanLength]:0.0}  {m[MetricNames.TimeStep]:0.00}s");
}
