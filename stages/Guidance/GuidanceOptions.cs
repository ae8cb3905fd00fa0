namespace Pipeline.Stages.Guidance;

/// <summary>
/// The run config's guidance section: what a group with no success is retried with
/// (<see cref="Source"/>) and how the hinted rollouts enter the loss (<see cref="Treatment"/>).
/// Guidance runs only when the group filter hands a group to it (algorithm.guide_unsolved).
/// </summary>
public sealed record GuidanceOptions
{
    /// <summary>tiered, solution_prefix or expo (see <see cref="GuidanceSources"/>).</summary>
    public string Source { get; init; } = "tiered";

    /// <summary>on_policy, importance or sft (see <see cref="GuidanceTreatments"/>).</summary>
    public string Treatment { get; init; } = "on_policy";

    /// <summary>solution_prefix: share of the reference solution revealed per tier (tier k reveals (k+1)·step).</summary>
    public double PrefixStep { get; init; } = 0.25;

    /// <summary>solution_prefix: the largest share of the solution ever revealed.</summary>
    public double PrefixMax { get; init; } = 1.0;

    /// <summary>
    /// Train a slot's unguided all-wrong group together with its kept guided retry, so hinted
    /// successes get positive group-relative advantages even when every hinted rollout succeeds.
    /// </summary>
    public bool KeepFailures { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!GuidanceSources.Registry.Contains(Source))
            errors.Add($"guidance.source: unknown {GuidanceSources.Registry.Kind} '{Source}'; valid names: {string.Join(", ", GuidanceSources.Registry.Names)}.");
        if (!GuidanceTreatments.Names.Contains(Treatment))
            errors.Add($"guidance.treatment: unknown guidance treatment '{Treatment}'; valid names: {string.Join(", ", GuidanceTreatments.Names)}.");
        if (PrefixStep is <= 0 or > 1)
            errors.Add($"guidance.prefix_step: {PrefixStep} must be in (0, 1].");
        if (PrefixMax is <= 0 or > 1)
            errors.Add($"guidance.prefix_max: {PrefixMax} must be in (0, 1].");
        return errors;
    }
}
