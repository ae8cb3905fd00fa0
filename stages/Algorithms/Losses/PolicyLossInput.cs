using Pipeline.Model.Torch;

namespace Pipeline.Stages.Algorithms.Losses;

/// <summary>
/// One micro-batch for a policy loss, every tensor [B, T] over completion tokens:
/// <c>LogProbs</c> under the current weights (carrying grad), <c>OldLogProbs</c> under the weights
/// that produced the rollouts (or the behaviour policy), <c>Advantages</c> per token, <c>Mask</c>
/// 1 on valid tokens and 0 on padding, and optional <c>Weights</c> (token credit, truncation
/// masking) that scale each token's loss; without them every valid token weighs 1.
/// </summary>
public sealed record PolicyLossInput(Tensor LogProbs, Tensor OldLogProbs, Tensor Advantages, Tensor Mask, LossNormalizer Normalizer)
{
    public Tensor? Weights { get; init; }

    public void Validate()
    {
        var shape = LogProbs.shape;
        foreach (var (name, t) in new[] { ("old_logprobs", OldLogProbs), ("advantages", Advantages), ("mask", Mask) }.Append(("weights", Weights!)))
        {
            if (t is not null && !t.shape.SequenceEqual(shape))
            {
                throw new ArgumentException($"policy loss: {name} has shape [{string.Join(", ", t.shape)}], logprobs [{string.Join(", ", shape)}].");
            }
        }

        if (shape.Length != 2)
        {
            throw new ArgumentException($"policy loss: expected [B, T] log-probs, got [{string.Join(", ", shape)}].");
        }
    }
}

/// <summary>
/// The counts a loss divides by. They describe the whole global batch, not the micro-batch, so
/// that summing micro-batch losses gives exactly the global loss whatever the split.
/// </summary>
/// <param name="Tokens">Valid completion tokens in the global batch.</param>
/// <param name="Sequences">Completions in the global batch.</param>
/// <param name="Width">The constant length of seq-mean-token-sum-norm (Dr. GRPO's max length).</param>
public sealed record LossNormalizer(double Tokens, double Sequences, double Width)
{
    /// <summary>Counts taken from one mask, for a batch that is not split.</summary>
    public static LossNormalizer FromMask(Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        return new LossNormalizer(Math.Max(mask.sum().ToDouble(), 1), Math.Max(mask.size(0), 1), Math.Max(mask.size(1), 1));
    }
}

/// <summary>Diagnostics of one loss evaluation, named as TRL and verl log them.</summary>
public sealed record PolicyLossMetrics
{
    /// <summary>verl's pg_clipfrac: share of valid tokens where the clipped surrogate is the larger loss.</summary>
    public double ClipFrac { get; init; }

    /// <summary>TRL's clip_ratio/low_mean: ratio below 1 - clip_low with a negative advantage.</summary>
    public double ClipRatioLow { get; init; }

    /// <summary>TRL's clip_ratio/high_mean: ratio above 1 + clip_high with a positive advantage.</summary>
    public double ClipRatioHigh { get; init; }

    /// <summary>verl's pg_clipfrac_lower: share of valid tokens where the dual clip bound applies.</summary>
    public double ClipFracLower { get; init; }

    /// <summary>verl's ppo_kl: mean over valid tokens of old minus new log-prob.</summary>
    public double PpoKl { get; init; }

    public double RatioMean { get; init; }

    public double RatioMax { get; init; }
}

public sealed record PolicyLossOutput(Tensor Loss, PolicyLossMetrics Metrics);
