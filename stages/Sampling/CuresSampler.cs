using Pipeline.Data.Problems;

namespace Pipeline.Stages.Sampling;

/// <summary>
/// CurES-style priority by expected learning signal. A prompt's signal is p(1−p) of its posterior
/// mean (a group-relative advantage is zero where every completion agrees, and its expected
/// magnitude grows with p(1−p)) or its Beta variance (how unsure the run still is). Draws are
/// proportional to signal^(1/temperature), mixed with a uniform share <c>floor</c> so no prompt
/// starves; unseen prompts sit at the prior and so start out favoured.
/// </summary>
public sealed class CuresSampler(IReadOnlyList<Problem> pool, ulong seed, SamplerOptions options)
    : PromptSamplerBase(pool, seed, options)
{
    public override string Name => "cures";

    /// <summary>Probability of drawing each pool prompt, in pool order, given the statistics so far.</summary>
    public double[] Probabilities(long step)
    {
        var stats = Book.Before(step);
        var weights = new double[Pool.Count];
        double total = 0;
        for (int i = 0; i < Pool.Count; i++)
        {
            stats.TryGetValue(Pool[i].Id, out var s);
            double signal = Options.Signal == "posterior_variance" ? Prior.Variance(s) : Bernoulli(Prior.Mean(s));
            weights[i] = Math.Pow(signal, 1 / Options.Temperature);
            total += weights[i];
        }

        double floor = total > 0 ? Options.Floor : 1;
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (total > 0 ? (1 - floor) * weights[i] / total : 0) + (floor / Pool.Count);
        return weights;
    }

    public override Problem Next(long draw, long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        var probabilities = Probabilities(step);
        double u = Uniform(draw, 0);
        double cumulative = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            cumulative += probabilities[i];
            if (u < cumulative) return Pool[i];
        }

        // Rounding can leave the sum a hair under 1.
        return Pool[^1];
    }

    private static double Bernoulli(double p) => p * (1 - p);
}
