namespace Pipeline.Stages.Algorithms.Advantages;

/// <summary>
/// GRPO (Shao et al. 2024): (r - group mean) / (std + eps), every token of a completion carrying
/// its value. The std is the group's (unbiased, as torch.std) or, with <see cref="StdLevel.Batch"/>,
/// the whole batch's, which "Tricks or Traps" calls Lite PPO. With <c>divideByStd</c> off this is
/// Dr. GRPO (Liu et al. 2025), which argues the std division biases toward easy and hard prompts.
/// A group of one has nothing to compare against: mean 0 and std 1, as in verl.
/// </summary>
public sealed class GrpoAdvantage(AdvantageOptions options, bool divideByStd, string name) : IAdvantageEstimator
{
    public string Name => name;

    public AdvantageResult Compute(AdvantageInput input)
    {
        input.Validate();
        var values = new double[input.Count];
        var batchStd = Statistics.UnbiasedStd([.. input.Rewards.Select(r => (double)r)]);
        foreach (var rows in input.GroupRows())
        {
            var rewards = rows.Select(i => (double)input.Rewards[i]).ToArray();
            double mean = 0, std = 1;
            if (rows.Length > 1)
            {
                mean = Statistics.Mean(rewards);
                std = options.StdLevel == StdLevel.Batch ? batchStd : Statistics.UnbiasedStd(rewards);
            }

            foreach (var i in rows)
            {
                values[i] = divideByStd ? (input.Rewards[i] - mean) / (std + options.Epsilon) : input.Rewards[i] - mean;
            }
        }

        return AdvantageResult.FromSequences(values, input.Lengths);
    }
}
