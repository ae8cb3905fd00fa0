namespace Pipeline.Stages.Guidance;

/// <summary>
/// What one guided retry generates from and trains under. <see cref="GenerationContext"/> is the
/// text the model sees; <see cref="CompletionPrefix"/> is forced as the start of every completion
/// (a revealed part of the reference solution), so it is verified and trained with the completion;
/// <see cref="TrainingContext"/> is what the loss conditions on, chosen by the treatment.
/// </summary>
public sealed record GuidancePayload(string Source, int Tier, string GenerationContext, string CompletionPrefix, string TrainingContext)
{
    /// <summary>The loss treatment these rollouts get (a <see cref="GuidanceTreatments"/> name).</summary>
    public string Treatment { get; init; } = GuidanceTreatments.OnPolicy.Name;

    /// <summary>True when the loss conditions on other text than the model saw.</summary>
    public bool ContextSwapped => !string.Equals(GenerationContext, TrainingContext, StringComparison.Ordinal);
}
