namespace Pipeline.Data.Rollouts;

/// <summary>Which logged rollouts to replay. Every criterion is optional; all given ones must hold.</summary>
public sealed class ReplayFilter
{
    public long? MinStep { get; init; }
    public long? MaxStep { get; init; }
    /// <summary>Provenance names to keep, e.g. { "on_policy" }.</summary>
    public IReadOnlySet<string>? Provenances { get; init; }
    public double? MinReward { get; init; }
    public double? MaxReward { get; init; }
    public IReadOnlySet<string>? PromptIds { get; init; }
    /// <summary>Also load the context and completion texts (the largest columns); off for training-only replay.</summary>
    public bool IncludeText { get; init; } = true;

    public static ReplayFilter All { get; } = new();

    internal bool StepsOverlap(long first, long last) => (MinStep is null || last >= MinStep) && (MaxStep is null || first <= MaxStep);

    internal bool RewardsOverlap(double min, double max) => (MinReward is null || max >= MinReward) && (MaxReward is null || min <= MaxReward);

    public void Validate()
    {
        if (MinStep > MaxStep) throw new ArgumentException($"ReplayFilter: MinStep {MinStep} is after MaxStep {MaxStep}.");
        if (MinReward > MaxReward) throw new ArgumentException($"ReplayFilter: MinReward {MinReward} is above MaxReward {MaxReward}.");
        if (MinReward is double lo && double.IsNaN(lo) || MaxReward is double hi && double.IsNaN(hi)) throw new ArgumentException("ReplayFilter: reward bounds must not be NaN.");
    }
}
