using Pipeline.Model.Torch;

namespace Pipeline.Stages.Algorithms.Kl;

/// <summary>The KL estimators of <see cref="KlEstimators"/> as Torch ops, so the KL term has autograd gradients.</summary>
public static class KlTensor
{
    /// <summary>Per-token KL [B, T] between the policy's and the reference's log-probs of the sampled tokens.</summary>
    public static Tensor PerToken(KlEstimator estimator, Tensor logp, Tensor refLogp) => estimator switch
    {
        KlEstimator.K1 => logp - refLogp,
        KlEstimator.K2 => (logp - refLogp).square() * 0.5,
        KlEstimator.Abs => (logp - refLogp).abs(),
        _ => K3(logp, refLogp),
    };

    private static Tensor K3(Tensor logp, Tensor refLogp)
    {
        var kl = (refLogp - logp).clamp(-20, 20);
        return (kl.exp() - kl - 1).clamp(-10, 10);
    }
}
