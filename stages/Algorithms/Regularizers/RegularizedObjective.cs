using Pipeline.Model.Torch;
using Pipeline.Stages.Algorithms.Kl;
using Pipeline.Stages.Algorithms.Losses;

namespace Pipeline.Stages.Algorithms.Regularizers;

/// <summary>Optional inputs of the extra loss terms, each [B, T] like the policy-loss tensors.</summary>
public sealed record RegularizerInput
{
    /// <summary>Reference-model log-probs of the sampled tokens; required when the KL term is on.</summary>
    public Tensor? RefLogProbs { get; init; }

    /// <summary>Per-token entropy of the current policy; required when the entropy bonus is on.</summary>
    public Tensor? Entropy { get; init; }

    /// <summary>1 on the tokens of samples selected for the SFT term (e.g. successful hinted completions).</summary>
    public Tensor? SftMask { get; init; }
}

public sealed record ObjectiveMetrics(PolicyLossMetrics Policy, double PolicyLoss, double Kl, double Entropy, double SftLoss, double Total);

/// <summary>
/// The training loss: the policy surrogate plus KL·coef, minus entropy·coef, plus SFT·coef, every
/// term aggregated the same way over the same global counts.
/// </summary>
public sealed class RegularizedObjective(IPolicyLoss policyLoss, RegularizerOptions options, LossAggregation aggregation)
{
    private readonly KlEstimator kl = KlEstimators.Parse(options.KlEstimator);

    public RegularizerOptions Options => options;

    /// <summary>True when a reference model must be scored for the loss.</summary>
    public bool NeedsReference => options.KlCoef != 0 && !options.KlInReward;

    public (Tensor Loss, ObjectiveMetrics Metrics) Compute(PolicyLossInput input, RegularizerInput extra)
    {
        var policy = policyLoss.Compute(input);
        var total = policy.Loss;
        double klValue = 0, entropyValue = 0, sftValue = 0;
        if (NeedsReference)
        {
            var refLogp = extra.RefLogProbs ?? throw new ArgumentException("the KL term is on (kl_coef != 0) but no reference log-probs were given.");
            var klLoss = Aggregator.Aggregate(KlTensor.PerToken(kl, input.LogProbs, refLogp), input.Mask, null, aggregation, input.Normalizer);
            total = total + (klLoss * options.KlCoef);
            klValue = klLoss.detach().ToDouble();
        }

        if (options.EntropyCoef != 0)
        {
            var entropy = extra.Entropy ?? throw new ArgumentException("the entropy bonus is on (entropy_coef != 0) but no entropies were given.");
            var entropyMean = Aggregator.Aggregate(entropy, input.Mask, null, aggregation, input.Normalizer);
            total = total - (entropyMean * options.EntropyCoef);
            entropyValue = entropyMean.detach().ToDouble();
        }

        if (options.SftCoef != 0 && extra.SftMask is { } sftMask)
        {
            var nll = Aggregator.Aggregate(-input.LogProbs, input.Mask * sftMask, null, aggregation, input.Normalizer);
            total = total + (nll * options.SftCoef);
            sftValue = nll.detach().ToDouble();
        }

        return (total, new ObjectiveMetrics(policy.Metrics, policy.Loss.detach().ToDouble(), klValue, entropyValue, sftValue, total.detach().ToDouble()));
    }
}
