using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using Pipeline.Model.Tokenizers;
using Pipeline.Stages.Guidance;
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
            var guided = GuidedPrompt.Encode(tokenizer, request);
            var prompts = new int[request.GroupSize][];
            Array.Fill(prompts, guided.Prefix.Length == 0 ? promptIds : [.. promptIds, .. guided.Prefix]);
            var (result, version) = guided.NewTokens(sampling) is var n && n == 0
                ? (new GenerationResult([.. prompts.Select(_ => new Completion([], [], Completion.Stop))]), weights.Version)
                : await weights.GenerateAsync(new GenerationRequest(prompts, n == sampling.MaxNewTokens ? sampling : sampling with { MaxNewTokens = n }, request.Seed), ct).ConfigureAwait(false);
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
                    TrainingPromptTokenIds = guided.TrainingPrompt ?? promptIds,
                    ForcedTokens = guided.Prefix.Length,
                    CompletionTokenIds = guided.Join(c.TokenIds),
                    BehaviourLogProbs = guided.JoinLogProbs(c.LogProbs),
                    CompletionText = tokenizer.Decode(guided.Join(c.TokenIds)),
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
