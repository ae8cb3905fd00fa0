using Pipeline.Stages.Algorithms.Kl;
using Pipeline.Stages.Algorithms.Regularizers;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Graph;

/// <summary>
/// The KL as a reward penalty (verl use_kl_in_reward): before advantages, each completion's reward
/// loses coef·Σ_t KL(behaviour || reference) over its tokens, the behaviour log-probs being those
/// generation recorded. The reference model is locked while scoring, because the trainer may reset
/// it (reference_reset_every) from its own block.
/// </summary>
public sealed class KlRewardShaper(IPolicyModel reference, KlEstimator estimator, double coef, double temperature, int microBatchSize)
{
    public float[] Shape(IReadOnlyList<Rollout> rollouts, float[] rewards)
    {
        float[][] refLogp;
        lock (reference)
        {
            refLogp = PolicyScoring.LogProbs(reference, rollouts, temperature, microBatchSize);
        }

        return KlRewardPenalty.Apply(rewards, [.. rollouts.Select(r => r.BehaviourLogProbs)], refLogp, estimator, coef);
    }
}
