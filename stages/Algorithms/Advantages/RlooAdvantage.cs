namespace Pipeline.Stages.Algorithms.Advantages;

/// <summary>
/// RLOO (Ahmadian et al. 2024): each completion is compared with the mean of the others in its
/// group, r_i - mean_{j != i} r_j, written as r·n/(n-1) - mean·n/(n-1). A group of one keeps its reward.
/// </summary>
public sealed class RlooAdvantage : IAdvantageEstimator
{
    public string Name => "rloo";

    public AdvantageResult Compute(AdvantageInput input)
    {
        input.Validate();
        var values = new double[input.Count];
        foreach (var rows in input.GroupRows())
        {
            var n = rows.Length;
            if (n == 1)
            {
                values[rows[0]] = input.Rewards[rows[0]];
                continue;
            }

            var mean = Statistics.Mean(rows.Select(i => (double)input.Rewards[i]));
            foreach (var i in rows)
            {
                values[i] = (input.Rewards[i] * n / (n - 1.0)) - (mean * n / (n - 1.0));
            }
        }

        return AdvantageResult.FromSequences(values, input.Lengths);
    }
}
