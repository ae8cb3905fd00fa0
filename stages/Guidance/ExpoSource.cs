using Pipeline.Data.Problems;

namespace Pipeline.Stages.Guidance;

/// <summary>
/// "expo" (ExPO): answer-conditioned self-explanation. The policy sees the prompt with the reference
/// answer and is asked to explain it; the explanation is verified like any completion and, under
/// the importance or sft treatment, trained under the plain prompt. One tier.
/// </summary>
public sealed class ExpoSource : IGuidanceSource
{
    public string Name => "expo";

    public int Tiers(Problem problem) => string.IsNullOrEmpty(problem.Answer) ? 0 : 1;

    public (string ContextHint, string CompletionPrefix) Help(Problem problem, int tier, double passRate) =>
        ("\nThe correct final answer is " + problem.Answer + ". Explain step by step how to reach it, then give it in the requested format.", "");
}
