namespace Pipeline.Stages.Algorithms.Filters;

/// <summary>
/// What group-level components see of one prompt's completions: rewards, correctness, completion
/// lengths in tokens, and whether each hit the length limit. Sizes may differ between groups.
/// </summary>
public sealed record ScoredGroup(string PromptId, float[] Rewards, bool[] Correct, int[] Lengths, bool[] Truncated)
{
    public int Count => Rewards.Length;

    public double PassRate => Count == 0 ? 0 : Correct.Count(c => c) / (double)Count;

    public static ScoredGroup FromRewards(string promptId, float[] rewards, int[]? lengths = null) =>
        new(promptId, rewards, [.. rewards.Select(r => r > 0)], lengths ?? new int[rewards.Length], new bool[rewards.Length]);
}

public enum GroupVerdict
{
    /// <summary>Train on it.</summary>
    Keep,

    /// <summary>No learning signal: drop it, and ask the sampler for a replacement prompt.</summary>
    Drop,

    /// <summary>Never solved: hand it to guidance (hints) before training on it.</summary>
    Guide,
}

public sealed record GroupDecision(GroupVerdict Verdict, string Reason)
{
    public static GroupDecision Keep(string reason = "kept") => new(GroupVerdict.Keep, reason);
}

public interface IGroupFilter
{
    string Name { get; }

    GroupDecision Evaluate(ScoredGroup group);
}
