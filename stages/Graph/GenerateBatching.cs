namespace Pipeline.Stages.Graph;

/// <summary>
/// How the Generate block batches groups into policy calls (config <c>pipeline.generate_batch_rows</c>,
/// <c>pipeline.generate_batch_wait_ms</c>).
/// </summary>
/// <param name="MaxRows">Most rows (groups × group size) in one policy call; a group larger than it still goes alone. 0 turns batching off: one call per group.</param>
/// <param name="Wait">How long a free call slot waits for more groups before it starts; zero takes only the groups already waiting.</param>
public sealed record GenerateBatching(int MaxRows, TimeSpan Wait)
{
    public static readonly GenerateBatching Off = new(0, TimeSpan.Zero);

    public bool Enabled => MaxRows > 0;

    public void Validate()
    {
        if (MaxRows < 0) throw new ArgumentOutOfRangeException(nameof(MaxRows), MaxRows, "pipeline.generate_batch_rows must be 0 (off) or positive.");
        if (Wait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Wait), Wait, "pipeline.generate_batch_wait_ms must not be negative.");
    }
}
