namespace Pipeline.Stages.Algorithms.Schedules;

/// <summary>
/// The token-budget curriculum of "Train Long, Think Short" (2025): max new tokens start generous
/// and decay toward a tight budget, so the policy first learns to solve, then to be brief.
/// </summary>
public sealed class TokenBudgetSchedule
{
    private readonly TokenBudgetOptions options;

    public TokenBudgetSchedule(TokenBudgetOptions options)
    {
        if (options.Start < 1 || options.End < 1 || options.DecaySteps < 0)
        {
            throw new ArgumentException($"token budget: start {options.Start} and end {options.End} must be >= 1, decay_steps {options.DecaySteps} >= 0.");
        }

        this.options = options;
    }

    /// <summary>The budget (max new tokens) at a 0-based training step.</summary>
    public int At(int step)
    {
        if (step >= options.DecaySteps)
        {
            return options.End;
        }

        double start = options.Start, end = options.End;
        var p = Math.Max(step, 0) / (double)options.DecaySteps;
        var budget = options.Shape switch
        {
            BudgetShape.Linear => start + ((end - start) * p),
            BudgetShape.Cosine => end + ((start - end) * 0.5 * (1 + Math.Cos(Math.PI * p))),
            BudgetShape.Exponential => start * Math.Pow(end / start, p),
            BudgetShape.Step => start,
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
        return (int)Math.Round(budget);
    }
}

public sealed record TokenBudgetOptions
{
    /// <summary>Max new tokens at step 0.</summary>
    public int Start { get; init; } = 512;

    /// <summary>Max new tokens once the decay is over.</summary>
    public int End { get; init; } = 128;

    /// <summary>Steps over which the budget moves from start to end.</summary>
    public int DecaySteps { get; init; } = 100;

    public BudgetShape Shape { get; init; } = BudgetShape.Linear;
}

public enum BudgetShape
{
    Linear,
    Cosine,

    /// <summary>Geometric interpolation: the same ratio per step.</summary>
    Exponential,

    /// <summary>Start until the decay steps are over, then end.</summary>
    Step,
}
