using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Cli.Commands;
using Pipeline.Cli.Training;
using Pipeline.Stages.Metrics;
using Pipeline.Tests.Cli.Training;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Reports;

/// <summary>A real three-step run of the tiny config, made once for the tests below.</summary>
public sealed class TinyRunFixture : IDisposable
{
    public const int Steps = 3;

    public TinyRunFixture()
    {
        Runs = Directory.CreateTempSubdirectory("pipeline-report-").FullName;
        var status = TrainCommand.Run(RepoRoot.Path("configs", "tiny_arithmetic.json"), false, [$"runs_dir={Runs}", $"training.steps={Steps}", "training.checkpoint_every=100"]);
        if (status != 0) throw new InvalidOperationException($"the tiny run failed with status {status}");
    }

    public string Runs { get; }

    public string RunDir => Path.Combine(Runs, "tiny_arithmetic");

    public void Dispose() => Directory.Delete(Runs, recursive: true);
}

/// <summary>Runs with the train command tests: a training run loads both cores.</summary>
[Collection(nameof(TrainCommandTests))]
public class ReportInBrowserTests(TinyRunFixture run) : IClassFixture<TinyRunFixture>
{
    private static readonly string[] Stages = ["sample", "generate", "verify", "group_filter", "batch", "advantage", "train", "metrics", "log"];

    [Fact]
    public void EveryMetricsLineHoldsEachStagesUtilisation()
    {
        var lines = File.ReadLines(Path.Combine(run.RunDir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(TinyRunFixture.Steps, lines.Count);
        foreach (var line in lines)
        {
            foreach (var stage in Stages)
            {
                double share = line.GetProperty(MetricNames.StageUtilisation(stage)).GetDouble();
                Assert.InRange(share, 0, 1.0001);
            }

        }

        // Generation and training do the work of a tiny run. A single line's window (from the previous
        // line to this one) may miss a stage whose work fell between a step's training and its line.
        foreach (var stage in new[] { "generate", "train" })
            Assert.True(lines.Sum(l => l.GetProperty(MetricNames.StageUtilisation(stage)).GetDouble()) > 0, $"{stage} was never busy");
    }

    [ChromiumFact]
    public void ReportOfARealRunRendersEveryChartWithDataInHeadlessChromium()
    {
        var page = Path.Combine(run.RunDir, "report.html");
        Assert.Equal(0, CommandCatalog.Build().Parse(["report", run.RunDir, "--out", page]).Invoke());
        var html = File.ReadAllText(page);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("href=", html);

        var clock = Stopwatch.StartNew();
        var dom = HeadlessChromium.DumpDom(page, TimeSpan.FromSeconds(60));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"chromium took {clock.Elapsed.TotalSeconds:0.0} s");

        var body = Regex.Match(dom, "<body[^>]*>").Value;
        Assert.DoesNotContain("data-report-error", body);
        var charts = Regex.Matches(dom, "<svg [^>]*>").Select(m => m.Value).ToList();
        var titles = Regex.Matches(dom, "<h2>([^<]*)</h2>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(charts.Count, titles.Count);
        foreach (var expected in new[] { "Reward", "Pass rate", "Completion length", "Entropy", "KL", "Clip fractions", "Throughput (tokens/s)", "Stage utilisation (busy share of wall time)" })
            Assert.Contains(expected, titles);

        // The script ran (it wrote its verdict) and found every chart drawn: each svg's polylines
        // hold, inside the plot, as many points as the page plotted, and the svg has a size on screen.
        Assert.Contains($"data-charts=\"{charts.Count}\"", body);
        Assert.Contains($"data-charts-with-data=\"{charts.Count}\"", body);
        for (int i = 0; i < charts.Count; i++)
        {
            string points = Attribute(charts[i], "data-points"), drawn = Attribute(charts[i], "data-drawn");
            Assert.True(points == drawn, $"chart '{titles[i]}' plotted {points} points, the browser drew {drawn}");
            Assert.True(int.Parse(drawn) >= TinyRunFixture.Steps, $"chart '{titles[i]}' drew {drawn} points for {TinyRunFixture.Steps} steps");
            Assert.Matches("^[1-9][0-9]*x[1-9][0-9]*$", Attribute(charts[i], "data-box"));
        }

        Assert.Equal(Stages.Length, Regex.Matches(dom, $"data-key=\"{Regex.Escape(MetricNames.StageUtilisationPrefix)}").Count);
    }

    private static string Attribute(string tag, string name)
    {
        var m = Regex.Match(tag, $"{name}=\"([^\"]*)\"");
        Assert.True(m.Success, $"{tag} has no {name}");
        return m.Groups[1].Value;
    }
}
