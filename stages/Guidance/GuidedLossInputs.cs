using Pipeline.Model.Torch;
using Pipeline.Stages.Graph;

namespace Pipeline.Stages.Guidance;

/// <summary>
/// Applies each hinted row's treatment to one micro-batch's loss inputs ([B, T] tensors; rows in
/// micro-batch order). Importance rows take the behaviour (hinted) log-probs as the old log-probs,
/// so the policy loss's ratio is π_θ(y|x)/π_old(y|x,hint); imitation rows get zero policy-loss
/// weight and, when correct, a 1 in the SFT mask. Rows without guidance pass through unchanged.
/// </summary>
public static class GuidedLossInputs
{
    public static GuidanceTreatment? TreatmentOf(Rollout rollout) =>
        rollout.Request.Guidance is { } g ? GuidanceTreatments.Get(g.Treatment) : null;

    public static bool AnyGuided(IEnumerable<Rollout> rollouts) => rollouts.Any(r => r.Request.Guidance is not null);

    /// <summary>Old log-probs with the importance rows' replaced by <paramref name="behaviour"/>.</summary>
    public static Tensor OldLogProbs(IReadOnlyList<Rollout> rollouts, Tensor old, Tensor behaviour)
    {
        var rows = Rows(rollouts, t => t.BehaviourDenominator);
        return rows is null ? old : (old * (1 - rows)) + (behaviour * rows);
    }

    /// <summary>Policy-loss weights with the imitation rows zeroed.</summary>
    public static Tensor Weights(IReadOnlyList<Rollout> rollouts, Tensor weights)
    {
        var rows = Rows(rollouts, t => t.Imitation);
        return rows is null ? weights : weights * (1 - rows);
    }

    /// <summary>1 on every token of a correct imitation row; null when the micro-batch has none.</summary>
    public static Tensor? SftMask(IReadOnlyList<Rollout> rollouts, Tensor mask)
    {
        var rows = Rows(rollouts, t => t.Imitation, r => r.Correct);
        return rows is null ? null : mask * rows;
    }

    /// <summary>A [B, 1] column with 1 on the rows whose treatment matches; null when none does.</summary>
    private static Tensor? Rows(IReadOnlyList<Rollout> rollouts, Func<GuidanceTreatment, bool> pick, Func<Rollout, bool>? also = null)
    {
        var column = new float[rollouts.Count];
        bool any = false;
        for (int i = 0; i < column.Length; i++)
        {
            if (TreatmentOf(rollouts[i]) is { } t && pick(t) && (also is null || also(rollouts[i])))
            {
                column[i] = 1;
                any = true;
            }
        }
        return any ? torch.tensor(column, [column.Length, 1]) : null;
    }
}
