using Pipeline.Data.Problems;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Sampling;

/// <summary>
/// What every sampler shares: the statistics book, the Beta prior and the rollout budget. A
/// prompt's group size is 4·p(1−p) of the way from min to max, p its posterior mean pass rate:
/// the most rollouts where the outcome is least certain, the fewest where it is near 0 or 1. With
/// a per-step total the same weights apportion it over the step's slots.
/// </summary>
public abstract class PromptSamplerBase : IPromptSampler
{
    protected PromptSamplerBase(IReadOnlyList<Problem> pool, ulong seed, SamplerOptions options)
    {
        if (pool.Count == 0) throw new ArgumentException("the prompt pool is empty.", nameof(pool));
        Pool = pool;
        Seed = seed;
        Options = options;
        Prior = options.Prior;
    }

    public abstract string Name { get; }

    protected IReadOnlyList<Problem> Pool { get; }

    protected ulong Seed { get; }

    protected SamplerOptions Options { get; }

    protected BetaPrior Prior { get; }

    protected PromptStatisticsBook Book { get; } = new();

    public abstract Problem Next(long draw, long step);

    public int GroupSize(Problem problem, long step, int configured)
    {
        if (!Options.HasBudgets) return configured;
        double u = Uncertainty(Book.Before(step), problem);
        return Options.MinGroupSize + (int)Math.Round((Options.MaxGroupSize - Options.MinGroupSize) * u, MidpointRounding.AwayFromZero);
    }

    public IReadOnlyList<int>? SlotGroupSizes(IReadOnlyList<Problem> slots, long step, int configured)
    {
        if (Options.StepRollouts == 0) return null;
        var stats = Book.Before(step);
        return RolloutApportionment.Split(Options.StepRollouts, Options.MinGroupSize, Options.MaxGroupSize, [.. slots.Select(p => Uncertainty(stats, p))]);
    }

    /// <summary>4·p(1−p) of the posterior mean: 1 at p = 0.5, 0 at p = 0 or 1.</summary>
    private double Uncertainty(IReadOnlyDictionary<string, PromptStatistics> stats, Problem problem)
    {
        stats.TryGetValue(problem.Id, out var s);
        double p = Prior.Mean(s);
        return 4 * p * (1 - p);
    }

    public void Record(string promptId, int attempts, int successes, long step, long completionTokens) =>
        Book.Record(promptId, attempts, successes, step, completionTokens);

    public IReadOnlyDictionary<string, PromptStatistics> Statistics => Book.All;

    public IReadOnlyDictionary<string, PromptStatistics> StatisticsThrough(long step) => Book.Through(step);

    public void Restore(IReadOnlyDictionary<string, PromptStatistics> statistics) => Book.Restore(statistics);

    /// <summary>A uniform double in [0, 1) that depends only on the seed, the draw and which of its choices.</summary>
    protected double Uniform(long draw, int choice)
    {
        ulong state = Seed ^ ((ulong)draw * 0xD1B54A32D192ED03UL) ^ ((ulong)(choice + 1) * 0x9E3779B97F4A7C15UL);
        return (TokenSampler.Next(ref state) >> 11) * (1.0 / (1UL << 53));
    }
}
