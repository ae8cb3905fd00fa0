using Pipeline.Stages.Algorithms;

namespace Pipeline.Cli.Configuration;

/// <summary>
/// A file of configs/: the algorithm section and the weighted reward components it trains with.
/// A full run config adds model, task and training sections around the same two.
/// </summary>
public sealed record AlgorithmPreset
{
    public AlgorithmConfig Algorithm { get; init; } = new();

    public IReadOnlyList<RewardWeight> Rewards { get; init; } = [new RewardWeight("answer", 1.0)];
}

/// <summary>One reward component by its registered name, and its weight in the total.</summary>
public sealed record RewardWeight(string Name, double Weight);
