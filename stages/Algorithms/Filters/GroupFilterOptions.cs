namespace Pipeline.Stages.Algorithms.Filters;

public sealed record GroupFilterOptions
{
    /// <summary>
    /// What dynamic sampling compares (verl's <c>filter_groups.metric</c>): "acc" (correctness)
    /// or "reward" (the total reward, so shaping terms count).
    /// </summary>
    public string Metric { get; init; } = "acc";

    /// <summary>
    /// Extra generation rounds allowed to refill a batch whose groups were dropped
    /// (verl's <c>max_num_gen_batches</c>; 0 = unlimited there, here it must be set).
    /// </summary>
    public int MaxExtraRounds { get; init; } = 4;

    /// <summary>Pass-rate window: groups below this pass rate are dropped.</summary>
    public double MinPassRate { get; init; } = 0.05;

    /// <summary>Pass-rate window: groups above this pass rate are dropped.</summary>
    public double MaxPassRate { get; init; } = 0.95;

    /// <summary>Send all-wrong groups to guidance instead of dropping them.</summary>
    public bool GuideUnsolved { get; init; }
}
