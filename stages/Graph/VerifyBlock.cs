using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using Pipeline.Data.Verifiers;

namespace Pipeline.Stages.Graph;

/// <summary>Which reward part decides that a completion is correct (for pass rates and filters).</summary>
public sealed record CorrectnessRule(string Component = "answer", double Threshold = 0.5)
{
    public bool IsCorrect(VerifierResult result)
    {
        foreach (var part in result.Parts)
        {
            if (part.Name == Component) return part.Value > Threshold;
        }
        return result.Score > Threshold;
    }
}

/// <summary>A synchronous verifier as an async one; verifiers bound their own work by their input caps.</summary>
public sealed class InlineVerifier(IVerifier inner) : IAsyncVerifier
{
    public string Name => inner.Name;

    public ValueTask<VerifierResult> VerifyAsync(VerifyInput input, CancellationToken cancellationToken) => new(inner.Verify(input));
}

/// <summary>
/// Verify: scores each rollout, in parallel. A verifier that throws or overruns its time bound
/// fails that rollout with a reason (the group is then re-drawn); a non-finite score is a bug in
/// the reward and ends the run.
/// </summary>
public static class VerifyBlock
{
    public static TransformBlock<Rollout, Rollout> Create(
        IAsyncVerifier verifier, CorrectnessRule correctness, TimeSpan timeout, BlockOptions options, IBlockProbe? probe, CancellationToken ct)
    {
        return new TransformBlock<Rollout, Rollout>(async rollout =>
        {
            probe?.Enter("verify", rollout);
            var clock = Stopwatch.StartNew();
            var input = new VerifyInput(rollout.Request.Problem, rollout.CompletionText, rollout.CompletionTokenIds.Length, rollout.Truncated);
            VerifierResult? result = null;
            string? failure = null;
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                limit.CancelAfter(timeout);
                try
                {
                    result = await verifier.VerifyAsync(input, limit.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    failure = $"verify_timeout: no verdict after {timeout.TotalMilliseconds:0} ms";
                }
                catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
                {
                    failure = $"verify_error: {e.GetType().Name}: {e.Message}";
                }
            }

            if (result is not null && !double.IsFinite(result.Score))
                throw new InvalidOperationException($"verifier '{verifier.Name}' returned a non-finite reward {result.Score} for group {rollout.Request.GroupId} sample {rollout.SampleIndex} ({result.Reason}).");
            var scored = result is null
                ? rollout with { Failure = failure, VerifyMs = clock.Elapsed.TotalMilliseconds }
                : rollout with { Reward = result.Score, RewardParts = result.Parts, Correct = correctness.IsCorrect(result), VerifyMs = clock.Elapsed.TotalMilliseconds };
            probe?.Exit("verify", rollout);
            return scored;
        }, options.ToDataflow(ct));
    }
}
