using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using Pipeline.Model.Tokenizers;
using Pipeline.Stages.Guidance;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Generate: each group's G rows of one prompt, on the weights <see cref="PolicyWeights"/> holds;
/// every rollout records the version that produced it. With batching (<see cref="GenerateBatching"/>)
/// the groups waiting in the block share policy calls (<see cref="GenerateBatcher"/>): every
/// accepted group then waits in the batcher rather than the block's queue, the block's capacity
/// still bounds the groups in flight and its parallelism the concurrent policy calls. A policy
/// exception is a fatal fault: it means the engine, not one completion, is broken.
/// </summary>
public static class GenerateBlock
{
    public static TransformManyBlock<GroupRequest, Rollout> Create(
        PolicyWeights weights, ITokenizer tokenizer, SamplingOptions sampling, BlockOptions options, IBlockProbe? probe, CancellationToken ct,
        GenerateBatching? batching = null, GenerateInflow? inflow = null)
    {
        batching ??= GenerateBatching.Off;
        var batcher = new GenerateBatcher(weights, options.Parallelism, batching.MaxRows, batching.Wait, probe, ct, inflow);
        var dataflow = options.ToDataflow(ct);
        // Batching needs the queued groups in hand; the batcher's call slots bound the policy calls.
        if (batching.Enabled) dataflow.MaxDegreeOfParallelism = options.Capacity;
        return new TransformManyBlock<GroupRequest, Rollout>(async request =>
        {
            var promptIds = tokenizer.Encode(request.GenerationContext);
            var guided = GuidedPrompt.Encode(tokenizer, request);
            var prompts = new int[request.GroupSize][];
            Array.Fill(prompts, guided.Prefix.Length == 0 ? promptIds : [.. promptIds, .. guided.Prefix]);
            GenerateBatcher.Generated generated;
            if (guided.NewTokens(sampling) is var n && n == 0)
            {
                inflow?.Arrived();
                probe?.Enter("generate", request);
                generated = new([.. prompts.Select(_ => new Completion([], [], Completion.Stop))], weights.Version, Stopwatch.GetTimestamp(), 1.0);
            }
            else
            {
                generated = await batcher.GenerateAsync(request, prompts, n == sampling.MaxNewTokens ? sampling : sampling with { MaxNewTokens = n })
                    .WaitAsync(ct).ConfigureAwait(false);
            }
            var (completions, version, started, share) = generated;
            if (completions.Count != request.GroupSize)
                throw new InvalidOperationException($"the policy returned {completions.Count} completions for a group of {request.GroupSize} (group {request.GroupId}).");
            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds * share;
            var rollouts = new Rollout[request.GroupSize];
            for (int i = 0; i < rollouts.Length; i++)
            {
                var c = completions[i];
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
        }, dataflow);
    }
}
