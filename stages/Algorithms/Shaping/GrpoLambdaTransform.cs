using Pipeline.Stages.Algorithms.Filters;

namespace Pipeline.Stages.Algorithms.Shaping;

/// <summary>
/// GRPO-λ ("Stable Reinforcement Learning for Efficient Reasoning", 2025): a length penalty only
/// where the policy is already competent. When the group's share of correct answers reaches
/// <see cref="GrpoLambdaOptions.Threshold"/>, each completion gets the Kimi-1.5 length reward
/// λᵢ = 0.5 - (lenᵢ - min) / (max - min) on top of correctness (correct: 1 + w·λᵢ, wrong:
/// w·min(0, λᵢ)); below it, plain 0/1 correctness, because penalising length before the model can
/// solve the prompt collapses accuracy.
/// </summary>
public sealed class GrpoLambdaTransform(GrpoLambdaOptions options) : IGroupRewardTransform
{
    public string Name => "grpo_lambda";

    public float[] Apply(ScoredGroup group)
    {
        var correctness = group.Correct.Select(c => c ? 1f : 0f).ToArray();
        if (group.Count == 0 || group.PassRate < options.Threshold)
        {
            return correctness;
        }

        var min = group.Lengths.Min();
        var max = group.Lengths.Max();
        var rewards = new float[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var lambda = max == min ? 0 : 0.5 - ((group.Lengths[i] - min) / (double)(max - min));
            rewards[i] = (float)(group.Correct[i] ? 1 + (options.Weight * lambda) : options.Weight * Math.Min(0, lambda));
        }

        return rewards;
    }
}

public sealed record GrpoLambdaOptions
{
    /// <summary>Share of correct completions from which the length penalty applies.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Weight of the length reward.</summary>
    public double Weight { get; init; } = 1.0;
}
