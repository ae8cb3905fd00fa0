using Pipeline.Stages.Graph;

namespace Pipeline.Stages.Sampling;

/// <summary>
/// Beta(alpha, beta) prior of a prompt's pass rate; with k successes in n attempts the posterior
/// is Beta(alpha + k, beta + n − k). Unseen prompts sit at the prior.
/// </summary>
public sealed record BetaPrior(double Alpha, double Beta)
{
    public (double Alpha, double Beta) Posterior(PromptStatistics? s) =>
        s is null ? (Alpha, Beta) : (Alpha + s.Successes, Beta + (s.Attempts - s.Successes));

    public double Mean(PromptStatistics? s)
    {
        var (a, b) = Posterior(s);
        return a / (a + b);
    }

    public double Variance(PromptStatistics? s)
    {
        var (a, b) = Posterior(s);
        double n = a + b;
        return a * b / (n * n * (n + 1));
    }
}
