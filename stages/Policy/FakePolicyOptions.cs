namespace Pipeline.Stages.Policy;

/// <summary>Settings of <see cref="FakePolicy"/> (config <c>model.type: "fake"</c>).</summary>
public sealed record FakePolicyOptions
{
    public int VocabSize { get; init; } = 64;

    /// <summary>Completions are 1 to this many tokens long (a pure function of prompt, seed and row).</summary>
    public int MaxLength { get; init; } = 8;

    /// <summary>Simulated wall time of one generation call.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Simulated wall time of one scoring call (training forward).</summary>
    public TimeSpan ScoreLatency { get; init; }

    public void Validate()
    {
        if (VocabSize < 2) throw new ArgumentOutOfRangeException(nameof(VocabSize), VocabSize, "model.vocab_size must be at least 2.");
        if (MaxLength < 1) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "model.max_length must be positive.");
        if (Latency < TimeSpan.Zero || ScoreLatency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Latency), "latencies must be >= 0.");
    }
}
