namespace Pipeline.Stages.Graph;

/// <summary>Adds the stages' utilisation since the previous line to every metrics line on its way to the real sink.</summary>
public sealed class StageUtilisationSink(IMetricsSink inner, StageUtilisation utilisation) : IMetricsSink
{
    public void Write(IReadOnlyDictionary<string, double> metrics)
    {
        var line = new Dictionary<string, double>(metrics, StringComparer.Ordinal);
        foreach (var (key, share) in utilisation.Snapshot()) line[key] = share;
        inner.Write(line);
    }
}
