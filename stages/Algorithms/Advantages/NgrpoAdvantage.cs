namespace Pipeline.Stages.Algorithms.Advantages;

/// <summary>
/// NGRPO's advantage calibration (Nan et al. 2025, arXiv 2509.18851): the group's mean and
/// (unbiased) std are computed as if it also held a virtual completion with the maximum reward,
/// so an all-wrong group gets negative advantages instead of zeros, while an all-correct group
/// (every reward at the maximum) stays at zero. The virtual sample gets no advantage itself.
/// With 1 correct of 8 this gives 1.76 for the correct and -0.50 for the others (GRPO: 2.47, -0.35),
/// the worked example of the paper.
/// </summary>
public sealed class NgrpoAdvantage(AdvantageOptions options) : IAdvantageEstimator
{
    public string Name => "ngrpo";

    public AdvantageResult Compute(AdvantageInput input)
    {
        input.Validate();
        var values = new double[input.Count];
        foreach (var rows in input.GroupRows())
        {
            var calibrated = rows.Select(i => (double)input.Rewards[i]).Append(options.MaxReward).ToArray();
            var mean = Statistics.Mean(calibrated);
            var std = Statistics.UnbiasedStd(calibrated);
            foreach (var i in rows)
            {
                values[i] = (input.Rewards[i] - mean) / (std + options.Epsilon);
            }
        }

        return AdvantageResult.FromSequences(values, input.Lengths);
    }
}
