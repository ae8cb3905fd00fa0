namespace Pipeline.Stages.Algorithms.Kl;

/// <summary>
/// Per-token estimators of KL(policy || reference) from the two log-probs of the sampled token
/// (Schulman, "Approximating KL divergence"): k1 = log r, k2 = ½ (log r)², k3 = r⁻¹ - 1 + log r
/// written as exp(ref - logp) - (ref - logp) - 1, and abs = |log r|, with log r = logp - ref.
/// k3's log-ratio is clamped to [-20, 20] and its value to [-10, 10], as verl does, so a token the
/// reference finds impossible cannot blow up the loss.
/// </summary>
public enum KlEstimator
{
    K1,
    K2,
    K3,
    Abs,
}

public static class KlEstimators
{
    public static IReadOnlyList<string> Names { get; } = ["k1", "k2", "k3", "abs"];

    public static KlEstimator Parse(string name) => name switch
    {
        "k1" or "kl" => KlEstimator.K1,
        "k2" or "mse" => KlEstimator.K2,
        "k3" or "low_var_kl" => KlEstimator.K3,
        "abs" => KlEstimator.Abs,
        _ => throw new UnknownComponentException("KL estimator", name, Names),
    };

    /// <summary>The KL value of one token.</summary>
    public static double Value(KlEstimator estimator, double logp, double refLogp)
    {
        switch (estimator)
        {
            case KlEstimator.K1:
                return logp - refLogp;
            case KlEstimator.K2:
                return 0.5 * (logp - refLogp) * (logp - refLogp);
            case KlEstimator.Abs:
                return Math.Abs(logp - refLogp);
            default:
                var kl = Math.Clamp(refLogp - logp, -20, 20);
                return Math.Clamp(Math.Exp(kl) - kl - 1, -10, 10);
        }
    }

    /// <summary>d Value / d logp, with zero slope where a clamp is active (as autograd gives).</summary>
    public static double Gradient(KlEstimator estimator, double logp, double refLogp)
    {
        switch (estimator)
        {
            case KlEstimator.K1:
                return 1;
            case KlEstimator.K2:
                return logp - refLogp;
            case KlEstimator.Abs:
                return Math.Sign(logp - refLogp);
            default:
                var raw = refLogp - logp;
                if (raw is < -20 or > 20)
                {
                    return 0;
                }

                var value = Math.Exp(raw) - raw - 1;
                return value is < -10 or > 10 ? 0 : 1 - Math.Exp(raw);
        }
    }
}
