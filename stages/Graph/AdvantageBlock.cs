using System.Threading.Tasks.Dataflow;
using Pipeline.Stages.Algorithms.Advantages;
using Pipeline.Stages.Algorithms.Shaping;
using Pipeline.Stages.Algorithms.TokenCredit;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Advantage: sequence advantages over the step's kept rows (batch-level estimators such as
/// REINFORCE++ and std_level batch see the whole step, which is why this block follows Batch),
/// then per-token credit and loss weights, zeroed for truncated completions when asked.
/// </summary>
public static class AdvantageBlock
{
    public static TransformBlock<StepBatch, StepBatch> Create(
        IAdvantageEstimator estimator, ITokenCreditAssigner credit, bool maskTruncated, BlockOptions options, IBlockProbe? probe, CancellationToken ct,
        KlRewardShaper? klReward = null)
    {
        return new TransformBlock<StepBatch, StepBatch>(batch =>
        {
            probe?.Enter("advantage", batch);
            var result = Compute(batch, estimator, credit, maskTruncated, klReward);
            probe?.Exit("advantage", batch);
            return result;
        }, options.ToDataflow(ct, serial: true));
    }

    public static StepBatch Compute(StepBatch batch, IAdvantageEstimator estimator, ITokenCreditAssigner credit, bool maskTruncated, KlRewardShaper? klReward = null)
    {
        var rollouts = new List<(Rollout Rollout, int Group, float Reward)>();
        for (int g = 0; g < batch.Kept.Count; g++)
        {
            var group = batch.Kept[g];
            for (int i = 0; i < group.Rollouts.Length; i++) rollouts.Add((group.Rollouts[i], g, group.Rewards[i]));
        }

        float[] rewards = [.. rollouts.Select(r => r.Reward)];
        if (klReward is not null) rewards = klReward.Shape([.. rollouts.Select(r => r.Rollout)], rewards);
        var input = new AdvantageInput(
            rewards, [.. rollouts.Select(r => r.Group)], [.. rollouts.Select(r => r.Rollout.CompletionTokenIds.Length)]);
        input.Validate();
        var advantages = estimator.Compute(input);
        var tokenAdvantages = new float[rollouts.Count][];
        var tokenWeights = new float[rollouts.Count][];
        bool broadcast = credit.Name == "none";
        int row = 0;
        for (int g = 0; g < batch.Kept.Count; g++)
        {
            var group = batch.Kept[g];
            int n = group.Rollouts.Length;
            if (broadcast)
            {
                for (int i = 0; i < n; i++)
                {
                    tokenAdvantages[row + i] = advantages.Tokens[row + i];
                    tokenWeights[row + i] = Ones(group.Rollouts[i].CompletionTokenIds.Length);
                }
            }
            else
            {
                var assigned = credit.Assign(new CreditGroup(
                    [.. group.Rollouts.Select(r => r.CompletionTokenIds)], group.Rewards, [.. Enumerable.Range(row, n).Select(advantages.Sequence)]));
                for (int i = 0; i < n; i++)
                {
                    tokenAdvantages[row + i] = assigned.Advantages[i];
                    tokenWeights[row + i] = assigned.Weights[i];
                }
            }
            row += n;
        }

        if (maskTruncated) tokenWeights = TruncationMask.Apply(tokenWeights, [.. rollouts.Select(r => r.Rollout.Truncated)]);
        var rows = new TrainRow[rollouts.Count];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = new TrainRow(rollouts[i].Rollout, rollouts[i].Group, advantages.Sequence(i), tokenAdvantages[i], tokenWeights[i]);
        return batch with { Rows = rows };
    }

    private static float[] Ones(int n)
    {
        var a = new float[n];
        Array.Fill(a, 1f);
        return a;
    }
}
