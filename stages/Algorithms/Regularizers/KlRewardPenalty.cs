using Pipeline.Stages.Algorithms.Kl;

namespace Pipeline.Stages.Algorithms.Regularizers;

/// <summary>
/// The KL as a reward penalty (verl use_kl_in_reward, OpenRLHF's default): each token's reward
/// loses coef·KL before advantages are computed. For outcome estimators, which see one reward per
/// completion, the penalty is summed over the completion's tokens.
/// </summary>
public static class KlRewardPenalty
{
    public static float[] Apply(float[] rewards, float[][] logp, float[][] refLogp, KlEstimator estimator, double coef)
    {
        if (logp.Length != rewards.Length || refLogp.Length != rewards.Length)
        {
            throw new ArgumentException($"KL reward penalty: {rewards.Length} rewards, {logp.Length} log-prob rows, {refLogp.Length} reference rows.");
        }

        var shaped = new float[rewards.Length];
        for (var i = 0; i < rewards.Length; i++)
        {
            if (logp[i].Length != refLogp[i].Length)
            {
                throw new ArgumentException($"KL reward penalty: row {i} has {logp[i].Length} log-probs but {refLogp[i].Length} reference log-probs.");
            }

            double penalty = 0;
            for (var t = 0; t < logp[i].Length; t++)
            {
                penalty += KlEstimators.Value(estimator, logp[i][t], refLogp[i][t]);
            }

            shaped[i] = (float)(rewards[i] - (coef * penalty));
        }

        return shaped;
    }
}

/// <summary>ProRL's periodic reference reset: true on the steps after which the reference takes the policy's weights.</summary>
public sealed record ReferenceResetSchedule(int Every)
{
    public bool ShouldReset(long completedSteps) => Every > 0 && completedSteps > 0 && completedSteps % Every == 0;
}
