using System.Text.Json;

namespace Pipeline.Cli.Reports;

/// <summary>The numeric series of a metrics.jsonl file: one JSON object per line, one line per step.</summary>
public sealed class MetricsLog
{
    private readonly Dictionary<string, List<(double Step, double Value)>> series = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Keys => series.Keys;

    public int Lines { get; private set; }

    public IReadOnlyList<(double Step, double Value)> Series(string key) =>
        series.TryGetValue(key, out var points) ? points : [];

    public static MetricsLog Read(string path)
    {
        var log = new MetricsLog();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new FormatException($"{path}:{lineNumber}: not a JSON object: {e.Message}", e);
            }

            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"{path}:{lineNumber}: expected a JSON object, found {doc.RootElement.ValueKind}.");
                }

                var step = doc.RootElement.TryGetProperty("step", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : log.Lines;
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.Number && property.Name != "step" && double.IsFinite(property.Value.GetDouble()))
                    {
                        if (!log.series.TryGetValue(property.Name, out var points))
                        {
                            log.series[property.Name] = points = [];
                        }

                        points.Add((step, property.Value.GetDouble()));
                    }
                }
            }

            log.Lines++;
        }

        return log;
    }
}
