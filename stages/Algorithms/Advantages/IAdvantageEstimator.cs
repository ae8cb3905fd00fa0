namespace Pipeline.Stages.Algorithms.Advantages;

/// <summary>Turns outcome rewards into advantages. Pure: arrays in, arrays out.</summary>
public interface IAdvantageEstimator
{
    string Name { get; }

    AdvantageResult Compute(AdvantageInput input);
}

/// <summary>Options shared by the estimators; names follow verl and TRL where they have one.</summary>
public sealed record AdvantageOptions
{
    /// <summary>Added to the std before dividing (verl's epsilon, 1e-6).</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>Discount for token-level returns (REINFORCE++).</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>Where GRPO's std comes from: the group, or the whole batch ("Lite PPO").</summary>
    public StdLevel StdLevel { get; init; } = StdLevel.Group;

    /// <summary>NGRPO's virtual sample: the maximum reward a completion can earn.</summary>
    public double MaxReward { get; init; } = 1.0;
}

public enum StdLevel
{
    Group,
    Batch,
}
