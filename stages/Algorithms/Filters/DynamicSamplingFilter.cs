namespace Pipeline.Stages.Algorithms.Filters;

/// <summary>
/// DAPO's dynamic sampling (Yu et al. 2025): a group whose completions all score the same has zero
/// advantage everywhere, so it is dropped and replaced by new prompts. With
/// <see cref="GroupFilterOptions.GuideUnsolved"/>, all-wrong groups go to guidance instead.
/// </summary>
public sealed class DynamicSamplingFilter(GroupFilterOptions options) : IGroupFilter
{
    public string Name => "dynamic_sampling";

    public GroupDecision Evaluate(ScoredGroup group)
    {
        if (group.Count < 2)
        {
            return GroupDecision.Keep("single_sample");
        }

        var values = options.Metric switch
        {
            "acc" => group.Correct.Select(c => c ? 1.0 : 0.0).ToArray(),
            "reward" => group.Rewards.Select(r => (double)r).ToArray(),
            var other => throw new ArgumentException($"dynamic sampling metric '{other}' is not one of: acc, reward."),
        };
        if (values.Any(v => v != values[0]))
        {
            return GroupDecision.Keep("mixed");
        }

        var allCorrect = group.Correct.All(c => c);
        var allWrong = !group.Correct.Any(c => c);
        if (allWrong && options.GuideUnsolved)
        {
            return new GroupDecision(GroupVerdict.Guide, "all_wrong");
        }

        return new GroupDecision(GroupVerdict.Drop, allCorrect ? "zero_std_all_correct" : allWrong ? "zero_std_all_wrong" : "zero_std");
    }
}
