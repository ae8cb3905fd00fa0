namespace Pipeline.Stages.Algorithms.Losses;

/// <summary>Policy-loss settings; names follow verl (clip_ratio_low/high/c) and TRL (epsilon, epsilon_high).</summary>
public sealed record PolicyLossOptions
{
    /// <summary>Lower clip: the ratio may fall to 1 - clip_low (verl clip_ratio_low, TRL epsilon).</summary>
    public double ClipLow { get; init; } = 0.2;

    /// <summary>Upper clip: the ratio may rise to 1 + clip_high; DAPO's clip-higher sets 0.28.</summary>
    public double ClipHigh { get; init; } = 0.2;

    /// <summary>
    /// Dual clip (Ye et al. 2020) for negative advantages: the loss is capped at -A·clip_c, so a
    /// huge ratio on a bad token cannot dominate. Null turns it off; verl's default is 3.
    /// </summary>
    public double? ClipC { get; init; } = 3.0;

    /// <summary>
    /// NGRPO's asymmetric clipping: bounds for tokens with negative advantage, stricter than the
    /// positive ones. Null means the same as <see cref="ClipLow"/> / <see cref="ClipHigh"/>.
    /// </summary>
    public double? NegativeClipLow { get; init; }

    public double? NegativeClipHigh { get; init; }

    /// <summary>Log-ratios are clamped to ±this before exp, as verl does, so one token cannot overflow.</summary>
    public double LogRatioClamp { get; init; } = 20.0;

    /// <summary>GSPO clamps its sequence log-ratio above at this value before exp.</summary>
    public double SequenceLogRatioMax { get; init; } = 10.0;

    public LossAggregation Aggregation { get; init; } = LossAggregation.TokenMean;
}
