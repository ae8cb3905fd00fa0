namespace Pipeline.Stages.Algorithms.TokenCredit;

/// <summary>
/// One group's completions as token credit sees them: completion token ids, outcome rewards,
/// sequence advantages (from the estimator), and optionally each completion's mean token entropy.
/// </summary>
public sealed record CreditGroup(int[][] TokenIds, float[] Rewards, float[] Advantages, float[]? MeanEntropies = null)
{
    public int Count => TokenIds.Length;

    public void Validate()
    {
        if (Rewards.Length != Count || Advantages.Length != Count || (MeanEntropies is not null && MeanEntropies.Length != Count))
        {
            throw new ArgumentException(
                $"credit group rows disagree: {Count} completions, {Rewards.Length} rewards, {Advantages.Length} advantages" +
                (MeanEntropies is null ? "." : $", {MeanEntropies.Length} entropies."));
        }
    }
}

/// <summary>Per-token advantages and loss weights (0 = masked) of each completion.</summary>
public sealed record TokenCredit(float[][] Advantages, float[][] Weights)
{
    /// <summary>Every token carries its sequence advantage with weight 1: what GRPO does.</summary>
    public static TokenCredit Broadcast(CreditGroup group) => new(
        [.. group.TokenIds.Select((ids, i) => Enumerable.Repeat(group.Advantages[i], ids.Length).ToArray())],
        [.. group.TokenIds.Select(ids => Enumerable.Repeat(1f, ids.Length).ToArray())]);
}

public interface ITokenCreditAssigner
{
    string Name { get; }

    TokenCredit Assign(CreditGroup group);
}

public sealed record TokenCreditOptions
{
    /// <summary>TEMPO: scale of the temporal-difference correction at branching tokens.</summary>
    public double TempoTdScale { get; init; } = 1.0;

    /// <summary>GTPO: factor applied to positive updates of conflict tokens (1 = no amplification).</summary>
    public double GtpoConflictBoost { get; init; } = 2.0;

    /// <summary>
    /// GTPO: completions whose mean token entropy (nats) exceeds this are filtered out (weight 0).
    /// The paper derives a bound per model; this default is our choice for small vocabularies.
    /// </summary>
    public double GtpoEntropyThreshold { get; init; } = 2.0;
}
