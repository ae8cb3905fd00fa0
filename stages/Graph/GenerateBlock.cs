using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using Pipeline.Model.Tokenizers;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Generate: one batched policy call per group (G rows of the same prompt), on the weights
/// <see cref="PolicyWeights"/> holds; every rollout records the version that produced it. A policy
/// exception is a fatal fault: it means the engine, not one completion, is broken.
/// </summary>
public static class GenerateBlock
{
    public static TransformManyBlock<GroupRequest, Rollout> Create(
        PolicyWeights weights, ITokenizer tokenizer, SamplingOptions sampling, BlockOptions options, IBlockProbe? probe, CancellationToken ct)
    {
        return new TransformManyBlock<GroupRequest, Rollout>(async request =>
        {
            probe?.Enter("generate", request);
            var clock = Stopwatch.StartNew();
            var promptIds = tokenizer.Encode(request.GenerationContext);
            var prompts = new int[request.GroupSize][];
            Array.Fill(prompts, promptIds);
            var (result, version) = await weights.GenerateAsync(new GenerationRequest(prompts, sampling, request.Seed), ct).ConfigureAwait(false);
            if (result.Completions.Count != request.GroupSize)
                throw new InvalidOperationException($"the policy returned {result.Completions.Count} completions for a group of {request.GroupSize} (group {request.GroupId}).");
            double ms = clock.Elapsed.TotalMilliseconds;
            var rollouts = new Rollout[request.GroupSize];
            for (int i = 0; i < rollouts.Length; i++)
            {
                var c = result.Completions[i];
                if (c.LogProbs.Length != c.TokenIds.Length)
                    throw new InvalidOperationException($"the policy returned {c.LogProbs.Length} log-probs for {c.TokenIds.Length} tokens (group {request.GroupId}, sample {i}).");
                rollouts[i] = new Rollout
                {
                    Request = request,
                    SampleIndex = i,
                    PolicyVersion = version,
                    PromptTokenIds = promptIds,
                    CompletionTokenIds = c.TokenIds,
                    BehaviourLogProbs = c.LogProbs,
                    CompletionText = tokenizer.Decode(c.TokenIds),
                    FinishReason = c.FinishReason,
                    Truncated = c.Truncated,
                    GenerationMs = ms,
                };
            }
            probe?.Exit("generate", request);
            return rollouts;
        }, options.ToDataflow(ct));
    }
}
