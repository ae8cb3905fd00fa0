using Pipeline.Model.Torch;

namespace Pipeline.Stages.Algorithms.Losses;

/// <summary>
/// CISPO (MiniMax-M1, 2025): -sg(clip(r, 1-ε_low, 1+ε_high))·A·logp. The importance weight is
/// clipped and carries no gradient, so unlike PPO's clip no token loses its gradient: rare
/// "reflective" tokens with large ratios still learn. A lower bound is applied only when
/// <see cref="PolicyLossOptions.NegativeClipLow"/> is set; the paper leaves it off.
/// </summary>
public sealed class CispoLoss(PolicyLossOptions options) : IPolicyLoss
{
    public string Name => "cispo";

    public PolicyLossOutput Compute(PolicyLossInput input)
    {
        input.Validate();
        var (logp, old, a, mask) = (input.LogProbs, input.OldLogProbs, input.Advantages, input.Mask);
        var logRatio = (logp - old).clamp(-options.LogRatioClamp, options.LogRatioClamp);
        var ratio = logRatio.exp();
        var weight = ratio.clamp(options.NegativeClipLow is { } low ? 1 - low : null, 1 + options.ClipHigh).detach();
        var tokenLoss = -weight * a * logp;
        var loss = Aggregator.Aggregate(tokenLoss, mask, input.Weights, options.Aggregation, input.Normalizer);
        using (torch.no_grad())
        {
            var metrics = new PolicyLossMetrics
            {
                ClipFrac = Aggregator.MaskedMean(ratio.gt(1 + options.ClipHigh), mask),
                ClipRatioHigh = Aggregator.MaskedMean(ratio.gt(1 + options.ClipHigh), mask),
                PpoKl = Aggregator.MaskedMean(-logRatio, mask),
                RatioMean = Aggregator.MaskedMean(ratio, mask),
                RatioMax = Aggregator.MaskedMax(ratio, mask),
            };
            return new PolicyLossOutput(loss, metrics);
        }
    }
}
