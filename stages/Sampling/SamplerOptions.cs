namespace Pipeline.Stages.Sampling;

/// <summary>
/// The run config's sampler section: which prompt sampler, its Beta prior, the options of each
/// variant, and per-prompt rollout budgets. Defaults reproduce the uniform sampler with the
/// configured group size.
/// </summary>
public sealed record SamplerOptions
{
    /// <summary>uniform, pass_rate_window or cures (see <see cref="SamplerRegistry"/>).</summary>
    public string Name { get; init; } = "uniform";

    public double PriorAlpha { get; init; } = 1;

    public double PriorBeta { get; init; } = 1;

    /// <summary>pass_rate_window: the band of posterior mean pass rates to train on.</summary>
    public double WindowLow { get; init; } = 0.2;

    public double WindowHigh { get; init; } = 0.8;

    /// <summary>pass_rate_window: chance a draw tries an unseen prompt while in-window ones exist.</summary>
    public double Explore { get; init; } = 0.1;

    /// <summary>cures: bernoulli_variance (p(1−p) of the posterior mean) or posterior_variance (Beta variance).</summary>
    public string Signal { get; init; } = "bernoulli_variance";

    /// <summary>cures: weights are signal^(1/temperature); below 1 sharpens, above 1 flattens.</summary>
    public double Temperature { get; init; } = 1;

    /// <summary>cures: share of probability spread uniformly over the pool so no prompt starves.</summary>
    public double Floor { get; init; } = 0.05;

    /// <summary>Per-prompt group sizes: both 0 keeps task.group_size; otherwise uncertain prompts get up to max.</summary>
    public int MinGroupSize { get; init; }

    public int MaxGroupSize { get; init; }

    /// <summary>Rollouts per step split over its slots (0: no total; each prompt gets its own size).</summary>
    public int StepRollouts { get; init; }

    public BetaPrior Prior => new(PriorAlpha, PriorBeta);

    public bool HasBudgets => MinGroupSize > 0 || MaxGroupSize > 0;

    public IReadOnlyList<string> Validate(bool needsGroups, int promptsPerStep)
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok) errors.Add(message);
        }

        var names = SamplerRegistry.Default.Names;
        Check(names.Contains(Name), $"sampler.name: unknown prompt sampler '{Name}'; valid names: {string.Join(", ", names)}.");
        Check(PriorAlpha > 0 && double.IsFinite(PriorAlpha), $"sampler.prior_alpha: {PriorAlpha} must be positive.");
        Check(PriorBeta > 0 && double.IsFinite(PriorBeta), $"sampler.prior_beta: {PriorBeta} must be positive.");
        Check(WindowLow is >= 0 and <= 1 && WindowHigh is >= 0 and <= 1 && WindowLow <= WindowHigh, $"sampler.window_low ({WindowLow}) and sampler.window_high ({WindowHigh}) must satisfy 0 <= low <= high <= 1.");
        Check(Explore is >= 0 and <= 1, $"sampler.explore: {Explore} must lie in [0, 1].");
        Check(Signal is "bernoulli_variance" or "posterior_variance", $"sampler.signal: '{Signal}' is not one of: bernoulli_variance, posterior_variance.");
        Check(Temperature > 0 && double.IsFinite(Temperature), $"sampler.temperature: {Temperature} must be positive.");
        Check(Floor is > 0 and <= 1, $"sampler.floor: {Floor} must lie in (0, 1] (0 would let prompts starve).");
        if (HasBudgets)
        {
            int least = needsGroups ? 2 : 1;
            Check(MinGroupSize >= least, $"sampler.min_group_size: {MinGroupSize} must be at least {least}{(needsGroups ? " (the advantage compares completions of one prompt)" : string.Empty)}.");
            Check(MaxGroupSize >= MinGroupSize, $"sampler.max_group_size: {MaxGroupSize} must be at least sampler.min_group_size ({MinGroupSize}).");
        }

        Check(StepRollouts == 0 || (HasBudgets && StepRollouts >= promptsPerStep * MinGroupSize && StepRollouts <= promptsPerStep * MaxGroupSize),
            $"sampler.step_rollouts: {StepRollouts} must be 0 or lie in task.prompts_per_step · [sampler.min_group_size, sampler.max_group_size] = {promptsPerStep * MinGroupSize}..{promptsPerStep * MaxGroupSize} (set both sizes).");

        return errors;
    }
}
