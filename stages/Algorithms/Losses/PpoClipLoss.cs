using Pipeline.Model.Torch;

namespace Pipeline.Stages.Algorithms.Losses;

/// <summary>
/// PPO's clipped surrogate (Schulman et al. 2017) per token: max(-A·r, -A·clip(r, 1-ε_low, 1+ε_high)),
/// with r = exp(logp - old_logp). Decoupled ε_low/ε_high is DAPO's clip-higher; for A &lt; 0 the
/// dual clip caps the loss at -A·c; NGRPO's asymmetric clipping gives negative-advantage tokens
/// their own, stricter bounds. Matches verl's compute_policy_loss_vanilla on its golden cases.
/// </summary>
public sealed class PpoClipLoss(PolicyLossOptions options) : IPolicyLoss
{
    public string Name => "ppo";

    public PolicyLossOutput Compute(PolicyLossInput input)
    {
        input.Validate();
        var (logp, old, a, mask) = (input.LogProbs, input.OldLogProbs, input.Advantages, input.Mask);
        var logRatio = (logp - old).clamp(-options.LogRatioClamp, options.LogRatioClamp);
        var ratio = logRatio.exp();
        var unclipped = -a * ratio;
        var clipped = -a * ClipRatio(ratio, a);
        var ppo = unclipped.maximum(clipped);
        var tokenLoss = ppo;
        Tensor? dual = null;
        if (options.ClipC is { } c)
        {
            dual = -a * c;
            tokenLoss = torch.where(a.lt(0), dual.minimum(ppo), ppo);
        }

        var loss = Aggregator.Aggregate(tokenLoss, mask, input.Weights, options.Aggregation, input.Normalizer);
        using (torch.no_grad())
        {
            var negative = a.lt(0);
            var metrics = new PolicyLossMetrics
            {
                ClipFrac = Aggregator.MaskedMean(clipped.gt(unclipped), mask),
                ClipRatioLow = Aggregator.MaskedMean(ratio.lt(1 - LowBound(negative: true)).logical_and(negative), mask),
                ClipRatioHigh = Aggregator.MaskedMean(ratio.gt(1 + options.ClipHigh).logical_and(a.gt(0)), mask),
                ClipFracLower = dual is null ? 0 : Aggregator.MaskedMean(ppo.gt(dual).logical_and(negative), mask),
                PpoKl = Aggregator.MaskedMean(-logRatio, mask),
                RatioMean = Aggregator.MaskedMean(ratio, mask),
                RatioMax = Aggregator.MaskedMax(ratio, mask),
            };
            return new PolicyLossOutput(loss, metrics);
        }
    }

    private double LowBound(bool negative) => negative ? options.NegativeClipLow ?? options.ClipLow : options.ClipLow;

    private Tensor ClipRatio(Tensor ratio, Tensor a)
    {
        if (options.NegativeClipLow is null && options.NegativeClipHigh is null)
        {
            return ratio.clamp(1 - options.ClipLow, 1 + options.ClipHigh);
        }

        // Sign-dependent bounds: each token is clipped to the band of its advantage's sign.
        var negative = a.lt(0);
        var low = torch.where(negative, torch.full_like(ratio, 1 - LowBound(true)), torch.full_like(ratio, 1 - options.ClipLow));
        var high = torch.where(negative, torch.full_like(ratio, 1 + (options.NegativeClipHigh ?? options.ClipHigh)), torch.full_like(ratio, 1 + options.ClipHigh));
        return ratio.maximum(low).minimum(high);
    }
}
