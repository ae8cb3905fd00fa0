using Pipeline.Model.Torch;

namespace Pipeline.Stages.Algorithms.Losses;

/// <summary>Reduces a [B, T] token-loss matrix to one scalar per <see cref="LossAggregation"/>.</summary>
public static class Aggregator
{
    /// <param name="tokenLoss">Per-token losses; padding is removed by <paramref name="mask"/>.</param>
    /// <param name="mask">1 on valid tokens.</param>
    /// <param name="weights">Per-token weights applied on top of the mask, or null.</param>
    public static Tensor Aggregate(Tensor tokenLoss, Tensor mask, Tensor? weights, LossAggregation aggregation, LossNormalizer normalizer)
    {
        var weighted = tokenLoss * (weights is null ? mask : weights * mask);
        return aggregation switch
        {
            LossAggregation.TokenMean => weighted.sum() / normalizer.Tokens,
            LossAggregation.SeqMeanTokenMean => (weighted.sum(1) / mask.sum(1).clamp_min(1)).sum() / normalizer.Sequences,
            LossAggregation.SeqMeanTokenSum => weighted.sum(1).sum() / normalizer.Sequences,
            LossAggregation.SeqMeanTokenSumNorm => weighted.sum() / normalizer.Width,
            _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, null),
        };
    }

    /// <summary>Mean of <paramref name="values"/> over valid tokens, as a plain number (for metrics).</summary>
    public static double MaskedMean(Tensor values, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var count = mask.sum().ToDouble();
        return count == 0 ? 0 : (values.to(ScalarType.Float32) * mask).sum().ToDouble() / count;
    }

    /// <summary>Max of <paramref name="values"/> over valid tokens (for metrics).</summary>
    public static double MaskedMax(Tensor values, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        return mask.sum().ToDouble() == 0 ? 0 : values.masked_fill(mask.eq(0), double.NegativeInfinity).max().ToDouble();
    }
}
