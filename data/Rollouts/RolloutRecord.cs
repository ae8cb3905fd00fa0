namespace Pipeline.Data.Rollouts;

/// <summary>
/// One scored rollout, as logged to Parquet (one row per rollout; see docs/rollout-schema.md).
/// Token arrays are memory slices so the replay reader can hand out views of a decoded column
/// without copying.
/// </summary>
public sealed record RolloutRecord
{
    public required string RunId { get; init; }
    public required long Step { get; init; }
    /// <summary>Version of the policy weights that generated this rollout.</summary>
    public required long PolicyVersion { get; init; }
    public required string PromptId { get; init; }
    public required long GroupId { get; init; }
    public required int SampleIndex { get; init; }
    public required string Task { get; init; }
    /// <summary>One of <see cref="Provenance"/>'s names, or another stable lower-case name.</summary>
    public required string Provenance { get; init; }
    /// <summary>What the model saw when generating, hints included.</summary>
    public required string GenerationContext { get; init; }
    /// <summary>What the loss conditions on (differs from the generation context when hints are stripped).</summary>
    public required string TrainingContext { get; init; }
    /// <summary>Token ids of the training context.</summary>
    public required ReadOnlyMemory<int> PromptTokenIds { get; init; }
    /// <summary>Token ids of the generation context; null when they are <see cref="PromptTokenIds"/> (no context swap).</summary>
    public ReadOnlyMemory<int>? GenerationPromptTokenIds { get; init; }
    public required ReadOnlyMemory<int> CompletionTokenIds { get; init; }
    /// <summary>Log-probability of each completion token under the behaviour policy; same length as the completion.</summary>
    public required ReadOnlyMemory<float> BehaviourLogProbs { get; init; }
    public required string CompletionText { get; init; }
    public required string FinishReason { get; init; }
    public bool Truncated { get; init; }
    /// <summary>Names of the reward components, parallel to <see cref="RewardValues"/>.</summary>
    public IReadOnlyList<string> RewardNames { get; init; } = [];
    public IReadOnlyList<double> RewardValues { get; init; } = [];
    public double RewardTotal { get; init; }
    public float Advantage { get; init; }
    /// <summary>Per-token advantages when a token-credit component produced them; else null.</summary>
    public ReadOnlyMemory<float>? TokenAdvantages { get; init; }
    public required string FilterDecision { get; init; }
    public string? FilterReason { get; init; }
    /// <summary>Hint tier used for guided retries; null when the rollout had no hint.</summary>
    public int? HintTier { get; init; }
    public double GenerationMs { get; init; }
    public double VerifyMs { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Leading completion tokens forced by guidance (a revealed solution prefix) rather than sampled.</summary>
    public int ForcedTokens { get; init; }
    /// <summary>Guidance source of a guided retry (tiered, solution_prefix, expo); null otherwise.</summary>
    public string? GuidanceSource { get; init; }
    /// <summary>Loss treatment of a guided retry (on_policy, importance, sft); null otherwise.</summary>
    public string? GuidanceTreatment { get; init; }
}

/// <summary>Provenance names used by the pipeline.</summary>
public static class Provenance
{
    public const string OnPolicy = "on_policy";
    public const string Hinted = "hinted";
    public const string Replayed = "replayed";
    public const string Teacher = "teacher";
}
