using Pipeline.Data.Problems;

namespace Pipeline.Stages.Guidance;

/// <summary>
/// "solution_prefix" (GHPO-style): forces the first part of the reference solution as the start
/// of the completion. Tier k reveals min(prefix_max, (k+1)·prefix_step) of it, shrunk by the
/// prompt's pass rate without hints, (1 − p): a prompt the policy sometimes solves gets less help.
/// The cut never splits a &lt;tag&gt;, so tokenizers with tag tokens see whole tags.
/// </summary>
public sealed class SolutionPrefixSource(GuidanceOptions options) : IGuidanceSource
{
    public string Name => "solution_prefix";

    public int Tiers(Problem problem) =>
        string.IsNullOrEmpty(problem.Solution) ? 0 : (int)Math.Ceiling(options.PrefixMax / options.PrefixStep - 1e-9);

    public (string ContextHint, string CompletionPrefix) Help(Problem problem, int tier, double passRate)
    {
        var solution = problem.Solution ?? throw new ArgumentException($"problem {problem.Id} has no reference solution for solution_prefix guidance.");
        return ("", solution[..Cut(solution, Share(tier, passRate))]);
    }

    /// <summary>The share of the solution revealed at <paramref name="tier"/>.</summary>
    public double Share(int tier, double passRate) =>
        Math.Min(options.PrefixMax, (tier + 1) * options.PrefixStep) * (1 - Math.Clamp(passRate, 0, 1));

    /// <summary>Characters of the prefix: round(share·length), moved back to the start of a tag it would split.</summary>
    public static int Cut(string solution, double share)
    {
        int cut = (int)Math.Round(share * solution.Length, MidpointRounding.AwayFromZero);
        cut = Math.Clamp(cut, 0, solution.Length);
        int open = solution.LastIndexOf('<', Math.Max(cut - 1, 0));
        if (cut > 0 && open >= 0 && open < cut)
        {
            int close = solution.IndexOf('>', open);
            if (close < 0 || close >= cut) cut = open;
        }
        return cut;
    }
}
