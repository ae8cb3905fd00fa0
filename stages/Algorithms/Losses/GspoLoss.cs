using Pipeline.Model.Torch;

namespace Pipeline.Stages.Algorithms.Losses;

/// <summary>
/// GSPO (Zheng et al. 2025, arXiv 2507.18071): one importance ratio per sequence, the geometric
/// mean of its token ratios, s = exp(mean_t(logp - old)), clipped as a whole with a narrow band.
/// Per token it is written logp - sg(logp) + sg(log s), so every token gets the sequence ratio's
/// gradient. Always aggregated seq-mean-token-mean, as verl does.
/// </summary>
public sealed class GspoLoss(PolicyLossOptions options) : IPolicyLoss
{
    public string Name => "gspo";

    public PolicyLossOutput Compute(PolicyLossInput input)
    {
        input.Validate();
        var (logp, old, a, mask) = (input.LogProbs, input.OldLogProbs, input.Advantages, input.Mask);
        var logRatio = logp - old;
        var seqLogRatio = (logRatio * mask).sum(1) / mask.sum(1).clamp_min(1);
        var tokenLogRatio = (logp - logp.detach() + seqLogRatio.detach().unsqueeze(1)).clamp_max(options.SequenceLogRatioMax);
        var ratio = tokenLogRatio.exp();
        var unclipped = -a * ratio;
        var clipped = -a * ratio.clamp(1 - options.ClipLow, 1 + options.ClipHigh);
        var tokenLoss = unclipped.maximum(clipped);
        var loss = Aggregator.Aggregate(tokenLoss, mask, input.Weights, LossAggregation.SeqMeanTokenMean, input.Normalizer);
        using (torch.no_grad())
        {
            var metrics = new PolicyLossMetrics
            {
                ClipFrac = Aggregator.MaskedMean(clipped.gt(unclipped), mask),
                ClipRatioLow = Aggregator.MaskedMean(ratio.lt(1 - options.ClipLow).logical_and(a.lt(0)), mask),
                ClipRatioHigh = Aggregator.MaskedMean(ratio.gt(1 + options.ClipHigh).logical_and(a.gt(0)), mask),
                PpoKl = Aggregator.MaskedMean(-logRatio, mask),
                RatioMean = Aggregator.MaskedMean(ratio, mask),
                RatioMax = Aggregator.MaskedMax(ratio, mask),
            };
            return new PolicyLossOutput(loss, metrics);
        }
    }
}
