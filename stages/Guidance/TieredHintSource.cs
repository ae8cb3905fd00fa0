using Pipeline.Data.Problems;

namespace Pipeline.Stages.Guidance;

/// <summary>"tiered" (Scaf-GRPO): the task's hints, abstract to concrete, one tier per retry.</summary>
public sealed class TieredHintSource : IGuidanceSource
{
    public string Name => "tiered";

    public int Tiers(Problem problem) => problem.Hints.Count;

    public (string ContextHint, string CompletionPrefix) Help(Problem problem, int tier, double passRate) =>
        ("\nHint: " + problem.Hints[tier], "");
}
