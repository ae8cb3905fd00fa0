namespace Pipeline.Stages.Algorithms.Losses;

/// <summary>
/// How per-token losses become one number (verl's <c>loss_agg_mode</c>):
/// token-mean divides the sum over valid tokens by their count (DAPO); seq-mean-token-mean
/// averages each sequence then the sequences (the original GRPO); seq-mean-token-sum sums each
/// sequence then averages the sequences; seq-mean-token-sum-norm divides the total by a constant
/// length (Dr. GRPO), so long wrong answers are not favoured. Counts are global: when a batch is
/// split into micro-batches, the caller passes the whole batch's token and sequence counts.
/// </summary>
public enum LossAggregation
{
    TokenMean,
    SeqMeanTokenMean,
    SeqMeanTokenSum,
    SeqMeanTokenSumNorm,
}

public static class LossAggregations
{
    public static IReadOnlyList<string> Names { get; } = ["token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "seq-mean-token-sum-norm"];

    public static LossAggregation Parse(string name) => name switch
    {
        "token-mean" => LossAggregation.TokenMean,
        "seq-mean-token-mean" => LossAggregation.SeqMeanTokenMean,
        "seq-mean-token-sum" => LossAggregation.SeqMeanTokenSum,
        "seq-mean-token-sum-norm" => LossAggregation.SeqMeanTokenSumNorm,
        _ => throw new UnknownComponentException("loss aggregation", name, Names),
    };

    public static string Name(this LossAggregation aggregation) => Names[(int)aggregation];
}
