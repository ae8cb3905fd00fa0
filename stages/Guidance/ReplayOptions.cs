namespace Pipeline.Stages.Guidance;

/// <summary>
/// The run config's replay section: successful logged rollouts of prompts that are still hard,
/// mixed into each step's training rows, importance-weighted toward the current policy.
/// </summary>
public sealed record ReplayOptions
{
    /// <summary>Replayed rows per step as a share of the step's fresh rows; 0 turns replay off.</summary>
    public double Share { get; init; }

    /// <summary>Cap of the per-token weight min(π_θ(y_t)/μ(y_t), is_cap), μ the stored behaviour policy.</summary>
    public double IsCap { get; init; } = 2.0;

    /// <summary>Only prompts whose pass rate without hints is at most this are replayed.</summary>
    public double MaxPassRate { get; init; } = 0.2;

    /// <summary>Smallest reward_total a logged rollout needs to be replayed.</summary>
    public double MinReward { get; init; } = 1.0;

    /// <summary>Folder of the Parquet rollout log to replay from; null: this run's own log (complete files only).</summary>
    public string? Directory { get; init; }

    public bool Enabled => Share > 0;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Share is < 0 or > 1) errors.Add($"replay.share: {Share} must be in [0, 1].");
        if (IsCap < 1) errors.Add($"replay.is_cap: {IsCap} must be >= 1.");
        if (MaxPassRate is < 0 or > 1) errors.Add($"replay.max_pass_rate: {MaxPassRate} must be in [0, 1].");
        return errors;
    }
}
