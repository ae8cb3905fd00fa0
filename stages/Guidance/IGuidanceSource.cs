using Pipeline.Data.Problems;

namespace Pipeline.Stages.Guidance;

/// <summary>
/// Where the help for an unsolved prompt comes from. Tiers escalate one at a time: a hinted group
/// that still has no success is retried with the next tier while <see cref="Tiers"/> allows.
/// </summary>
public interface IGuidanceSource
{
    string Name { get; }

    /// <summary>How many tiers this problem offers; 0 when the source has nothing for it.</summary>
    int Tiers(Problem problem);

    /// <summary>
    /// The help of <paramref name="tier"/>: text appended to the prompt and a forced completion
    /// prefix. <paramref name="passRate"/> is the prompt's pass rate without hints so far.
    /// </summary>
    (string ContextHint, string CompletionPrefix) Help(Problem problem, int tier, double passRate);
}
