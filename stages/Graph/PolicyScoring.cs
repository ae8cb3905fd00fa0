using Pipeline.Model.Torch;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Graph;

/// <summary>Per-token log-probs of logged completions under a model, scored in micro-batches without grad.</summary>
public static class PolicyScoring
{
    public static float[][] LogProbs(IPolicyModel model, IReadOnlyList<Rollout> rollouts, double temperature, int microBatchSize)
    {
        var result = new float[rollouts.Count][];
        for (int start = 0; start < rollouts.Count; start += microBatchSize)
        {
            using var scope = torch.NewDisposeScope();
            var micro = Enumerable.Range(start, Math.Min(microBatchSize, rollouts.Count - start)).ToArray();
            var score = model.Score([.. micro.Select(i => rollouts[i].PromptTokenIds)], [.. micro.Select(i => rollouts[i].CompletionTokenIds)], temperature, withGrad: false);
            var values = score.LogProbs.to(ScalarType.Float32).data<float>();
            int width = (int)score.LogProbs.size(1);
            for (int k = 0; k < micro.Length; k++)
            {
                int len = rollouts[micro[k]].CompletionTokenIds.Length;
                result[micro[k]] = values.AsSpan(k * width, len).ToArray();
            }
        }

        return result;
    }
}
