namespace Pipeline.Stages.Algorithms.Advantages;

/// <summary>
/// REINFORCE++ (Hu 2025): the outcome reward sits on the last token, each token's return is the
/// discounted sum after it (gamma^(L-1-t)·r), and the returns are whitened over every valid token
/// of the batch (masked mean, unbiased variance, (x - mean) / sqrt(var + 1e-8)). No groups needed.
/// </summary>
public sealed class ReinforcePlusPlusAdvantage(AdvantageOptions options) : IAdvantageEstimator
{
    private const double WhitenEpsilon = 1e-8;

    public string Name => "reinforce_plus_plus";

    public AdvantageResult Compute(AdvantageInput input)
    {
        input.Validate();
        var returns = new double[input.Count][];
        double sum = 0;
        long count = 0;
        for (var i = 0; i < input.Count; i++)
        {
            var length = input.Lengths[i];
            returns[i] = new double[length];
            double running = 0;
            for (var t = length - 1; t >= 0; t--)
            {
                running = (t == length - 1 ? input.Rewards[i] : 0) + (options.Gamma * running);
                returns[i][t] = running;
                sum += running;
                count++;
            }
        }

        var mean = count == 0 ? 0 : sum / count;
        double ss = 0;
        foreach (var row in returns)
        {
            foreach (var x in row)
            {
                ss += (x - mean) * (x - mean);
            }
        }

        var variance = count > 1 ? ss / (count - 1) : 0;
        var scale = 1 / Math.Sqrt(variance + WhitenEpsilon);
        return new AdvantageResult([.. returns.Select(row => row.Select(x => (float)((x - mean) * scale)).ToArray())]);
    }
}
