using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Cli.Evaluation;

namespace Pipeline.Cli.Demo;

/// <summary>The demo's outcome: the held-out evaluation of the warm start and of the GRPO run, and the time of each stage.</summary>
public sealed record DemoResult
{
    public required ulong Seed { get; init; }

    public required string Task { get; init; }

    public required int Difficulty { get; init; }

    /// <summary>Sampling temperature of both evaluations (the training temperature).</summary>
    public required double Temperature { get; init; }

    public required EvalResult Sft { get; init; }

    public required EvalResult Grpo { get; init; }

    public required double SftSeconds { get; init; }

    public required double GrpoSeconds { get; init; }

    public required double EvalSeconds { get; init; }

    public required double TotalSeconds { get; init; }

    public double PassAt1Gain => Grpo.PassAt1 - Sft.PassAt1;

    private IEnumerable<(string Metric, double Before, double After, bool Rate)> Rows()
    {
        yield return ("pass@1", Sft.PassAt1, Grpo.PassAt1, true);
        foreach (var k in Sft.PassAtK.Keys.Where(k => k != 1)) yield return ($"pass@{k}", Sft.PassAtK[k], Grpo.PassAtK[k], true);
        foreach (var k in Sft.MajAtK.Keys) yield return ($"maj@{k}", Sft.MajAtK[k], Grpo.MajAtK[k], true);
        yield return ("mean length (tokens)", Sft.MeanCompletionLength, Grpo.MeanCompletionLength, false);
    }

    /// <summary>What every evaluation number means, in one line.</summary>
    public string Caption => string.Create(CultureInfo.InvariantCulture,
        $"held-out {Task} (difficulty {Difficulty}), {Sft.Problems} problems never trained on, n={Sft.N} samples each at temperature {Temperature} (the training temperature); pass@1 = mean fraction of correct samples, seed {Seed}");

    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(Caption).Append('\n');
        sb.Append(c, $"{"metric",-22}{"SFT start",11}{"after GRPO",12}{"change",12}\n");
        foreach (var (metric, before, after, rate) in Rows())
        {
            var change = rate ? $"{100 * (after - before):+0.0;-0.0;0.0} pts" : $"{after - before:+0.0;-0.0;0.0}";
            sb.Append(c, $"{metric,-22}{before,11:F3}{after,12:F3}{change,12}\n");
        }

        sb.Append(c, $"time: sft {SftSeconds:F0} s, grpo {GrpoSeconds:F0} s, evals {EvalSeconds:F0} s, total {TotalSeconds:F0} s\n");
        return sb.ToString();
    }

    public string ToHtml()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("<h2>Held-out evaluation: SFT start vs after GRPO</h2>\n<p>");
        sb.Append(WebUtility.HtmlEncode(Caption)).Append("</p>\n<table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\">\n<tr><th>metric</th><th>SFT start</th><th>after GRPO</th></tr>\n");
        foreach (var (metric, before, after, _) in Rows())
            sb.Append(c, $"<tr><td>{WebUtility.HtmlEncode(metric)}</td><td>{before:F3}</td><td>{after:F3}</td></tr>\n");
        sb.Append(c, $"</table>\n<p>time: sft {SftSeconds:F0} s, grpo {GrpoSeconds:F0} s, evals {EvalSeconds:F0} s, total {TotalSeconds:F0} s</p>\n");
        return sb.ToString();
    }
}
