using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Pipeline.Data.Problems;

namespace Pipeline.Cli.Evaluation;

/// <summary>Dataset-level numbers of one evaluation, as eval.json holds them (means over problems).</summary>
public sealed record EvalResult
{
    public required int Problems { get; init; }

    public required int N { get; init; }

    public required ProblemSplit Split { get; init; }

    /// <summary>Mean of c/n: the unbiased pass@1.</summary>
    [JsonPropertyName("pass@1")]
    public required double PassAt1 { get; init; }

    /// <summary>Unbiased pass@k (Chen et al. 2021) by k.</summary>
    [JsonPropertyName("pass@k")]
    public required IReadOnlyDictionary<int, double> PassAtK { get; init; }

    /// <summary>Majority vote over the first k samples by k.</summary>
    [JsonPropertyName("maj@k")]
    public required IReadOnlyDictionary<int, double> MajAtK { get; init; }

    public required double MeanCompletionLength { get; init; }

    public required double MeanReward { get; init; }

    public string? Checkpoint { get; init; }

    [JsonIgnore]
    public IReadOnlyList<ProblemSamples> PerProblem { get; init; } = [];

    public static EvalResult From(IReadOnlyList<ProblemSamples> scored, EvalOptions options)
    {
        var ks = options.Ks.Distinct().Order().ToList();
        double Mean(Func<ProblemSamples, double> f) => scored.Count == 0 ? 0 : scored.Average(f);
        int Correct(ProblemSamples p) => p.Samples.Count(s => s.Correct);
        return new EvalResult
        {
            Problems = scored.Count,
            N = options.N,
            Split = options.Split,
            PassAt1 = Mean(p => Correct(p) / (double)p.Samples.Count),
            PassAtK = ks.ToDictionary(k => k, k => Mean(p => Stages.Evaluation.PassAtK.Estimate(p.Samples.Count, Correct(p), k))),
            MajAtK = ks.ToDictionary(k => k, k => Mean(p => Stages.Evaluation.PassAtK.MajorityCorrect(
                [.. p.Samples.Select(s => s.Answer)], [.. p.Samples.Select(s => s.Correct)], k) ? 1 : 0)),
            MeanCompletionLength = Mean(p => p.Samples.Average(s => s.Length)),
            MeanReward = Mean(p => p.Samples.Average(s => s.Reward)),
            PerProblem = scored,
        };
    }

    /// <summary>A fixed-width table for the terminal and for logs.</summary>
    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"{Problems} problems ({JsonNaming(Split)}), n={N}{(Checkpoint is null ? string.Empty : $", checkpoint {Checkpoint}")}\n");
        sb.Append(c, $"{"metric",-24}{"value",10}\n");
        sb.Append(c, $"{"pass@1",-24}{PassAt1,10:F4}\n");
        foreach (var (k, v) in PassAtK.Where(p => p.Key != 1)) sb.Append(c, $"{$"pass@{k}",-24}{v,10:F4}\n");
        foreach (var (k, v) in MajAtK) sb.Append(c, $"{$"maj@{k}",-24}{v,10:F4}\n");
        sb.Append(c, $"{"mean completion length",-24}{MeanCompletionLength,10:F2}\n");
        sb.Append(c, $"{"mean reward",-24}{MeanReward,10:F4}\n");
        return sb.ToString();
    }

    private static string JsonNaming(ProblemSplit split) => split == ProblemSplit.HeldOut ? "held_out" : "train";
}
