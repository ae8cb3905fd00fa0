using Pipeline.Data.Problems;
using Pipeline.Data.Verifiers;
using Pipeline.Stages.Guidance;

namespace Pipeline.Stages.Graph;

/// <summary>
/// A request to generate one group: <see cref="GroupSize"/> completions of one prompt. A slot is
/// one of the prompts_per_step places of a step; a dropped group's replacement keeps the slot and
/// raises <see cref="Round"/>. <see cref="GroupId"/> is unique in the run and stable across resume.
/// </summary>
public sealed record GroupRequest(
    string RunId,
    long TargetStep,
    int Slot,
    int Round,
    long GroupId,
    Problem Problem,
    int GroupSize,
    string Provenance,
    int? HintTier,
    ulong Seed)
{
    /// <summary>What a guided retry generates from and trains under; null for a plain group.</summary>
    public GuidancePayload? Guidance { get; init; }

    /// <summary>What the model sees: the prompt, and the revealed hint on a guided retry.</summary>
    public string GenerationContext => Guidance?.GenerationContext ?? (HintTier is { } tier && tier < Problem.Hints.Count
        ? Problem.Prompt + "\nHint: " + Problem.Hints[tier]
        : Problem.Prompt);

    /// <summary>What the loss conditions on: the generation context unless the guidance treatment strips the hint.</summary>
    public string TrainingContext => Guidance?.TrainingContext ?? GenerationContext;
}

/// <summary>One completion, as it moves from Generate through Verify to its group.</summary>
public sealed record Rollout
{
    public required GroupRequest Request { get; init; }
    public required int SampleIndex { get; init; }
    public required long PolicyVersion { get; init; }
    /// <summary>Tokens of the generation context (the prompt the completion was sampled after, hint included).</summary>
    public required int[] PromptTokenIds { get; init; }

    /// <summary>Tokens of the training context: the generation context's unless guidance swaps the context.</summary>
    public int[] TrainingPromptTokenIds
    {
        get => _trainingPrompt ?? PromptTokenIds;
        init => _trainingPrompt = value;
    }

    /// <summary>Leading completion tokens forced by guidance (a solution prefix) rather than sampled.</summary>
    public int ForcedTokens { get; init; }

    public required int[] CompletionTokenIds { get; init; }
    public required float[] BehaviourLogProbs { get; init; }
    public required string CompletionText { get; init; }
    public required string FinishReason { get; init; }
    public bool Truncated { get; init; }
    /// <summary>Wall time of the group's generation call; a call batching several groups is shared among them by rows.</summary>
    public double GenerationMs { get; init; }

    // Set by Verify.
    public double Reward { get; init; }
    public IReadOnlyList<RewardPart> RewardParts { get; init; } = [];
    public bool Correct { get; init; }
    public double VerifyMs { get; init; }

    /// <summary>Why this rollout could not be scored (a verifier timeout or error); null when it was.</summary>
    public string? Failure { get; init; }

    private readonly int[]? _trainingPrompt;
}

/// <summary>Fates a rollout can end with in the log (its filter_decision column).</summary>
public static class Fate
{
    public const string Trained = "trained";
    public const string Filtered = "filtered";
    public const string Failed = "failed";
}

/// <summary>A complete group with the filter's verdict. <see cref="Rewards"/> are after group reward transforms.</summary>
public sealed record DecidedGroup(GroupRequest Request, Rollout[] Rollouts, float[] Rewards, bool Kept, string Reason)
{
    public long GroupId => Request.GroupId;
}

/// <summary>Per-row training inputs produced by the Advantage block.</summary>
public sealed record TrainRow(Rollout Rollout, int GroupIndex, float Advantage, float[] TokenAdvantages, float[] TokenWeights)
{
    /// <summary>Set on a replayed row: its tokens weigh min(π_θ/μ, cap), μ the stored behaviour policy.</summary>
    public double? ReplayIsCap { get; init; }
}

/// <summary>
/// One training step's data: the kept groups it trains on, and every group whose fate was decided
/// (filtered, failed, stale) since the previous step, so each rollout is logged exactly once.
/// </summary>
public sealed record StepBatch(long Step, IReadOnlyList<DecidedGroup> Kept, IReadOnlyList<DecidedGroup> Filtered, DateTimeOffset OpenedAt)
{
    public IReadOnlyList<TrainRow> Rows { get; init; } = [];
}

/// <summary>What the trainer reports of a step; every value is a plain number for metrics.</summary>
public sealed record TrainStats
{
    public double Loss { get; init; }
    public double PolicyLoss { get; init; }
    public double Kl { get; init; }
    public double Entropy { get; init; }
    public double ClipFrac { get; init; }
    public double ClipRatioLow { get; init; }
    public double ClipRatioHigh { get; init; }
    public double ClipFracLower { get; init; }
    public double PpoKl { get; init; }
    public double RatioMean { get; init; }
    public double RatioMax { get; init; }
    public double GradNorm { get; init; }
    public double LearningRate { get; init; }

    /// <summary>Mean truncated importance weight (async mode); 1 when off.</summary>
    public double TisMean { get; init; } = 1;

    /// <summary>Mean |trainer old log-prob − behaviour log-prob| over valid tokens.</summary>
    public double LogProbDiff { get; init; }

    public int OptimizerSteps { get; init; }
    public long Tokens { get; init; }
}

/// <summary>A trained step on its way to the log and the metrics.</summary>
public sealed record StepOutcome(StepBatch Batch, TrainStats Stats, long PolicyVersion, double TrainSeconds, DateTimeOffset FinishedAt);
