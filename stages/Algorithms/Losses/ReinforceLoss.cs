using Pipeline.Model.Torch;

namespace Pipeline.Stages.Algorithms.Losses;

/// <summary>
/// Plain REINFORCE (Williams 1992): -A·logp per token, no ratio and no clipping. Exactly on-policy
/// it has the same gradient as PPO at r = 1; off-policy it is biased, which the ratio metrics show.
/// </summary>
public sealed class ReinforceLoss(PolicyLossOptions options) : IPolicyLoss
{
    public string Name => "reinforce";

    public PolicyLossOutput Compute(PolicyLossInput input)
    {
        input.Validate();
        var (logp, old, a, mask) = (input.LogProbs, input.OldLogProbs, input.Advantages, input.Mask);
        var loss = Aggregator.Aggregate(-a * logp, mask, input.Weights, options.Aggregation, input.Normalizer);
        using (torch.no_grad())
        {
            var logRatio = logp - old;
            var ratio = logRatio.clamp(-options.LogRatioClamp, options.LogRatioClamp).exp();
            return new PolicyLossOutput(loss, new PolicyLossMetrics
            {
                PpoKl = Aggregator.MaskedMean(-logRatio, mask),
                RatioMean = Aggregator.MaskedMean(ratio, mask),
                RatioMax = Aggregator.MaskedMax(ratio, mask),
            });
        }
    }
}
