using System.Text.RegularExpressions;
using Pipeline.Cli.Reports;
using Pipeline.Stages.Metrics;

namespace Pipeline.Tests.Cli.Reports;

public class HtmlReportTests
{
    private static MetricsLog Log(params string[] lines)
    {
        var path = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        try
        {
            return MetricsLog.Read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ChartsEveryPresentGroupWithAllItsPoints()
    {
        var lines = Enumerable.Range(0, 5).Select(s =>
            $"{{\"step\": {s}, \"{MetricNames.Reward}\": {s * 0.1}, \"{MetricNames.PassRate}\": {s * 0.2}, \"rewards/answer/mean\": 0.5, \"{MetricNames.Entropy}\": 1.5, \"note\": \"text is ignored\"}}").ToArray();
        var html = HtmlReport.Render(Log(lines), "Run demo");
        var svgs = Regex.Matches(html, "<svg [^>]*data-series=\"(\\d+)\" data-points=\"(\\d+)\"");
        Assert.Equal(4, svgs.Count); // reward, reward components, pass rate, entropy
        Assert.All(svgs, m => Assert.Equal(5 * int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value)));
        Assert.Contains("data-key=\"reward\"", html);
        Assert.DoesNotContain("http", html);
        Assert.DoesNotContain("src=", html);
        Assert.Single(Regex.Matches(html, "<script>"));
    }

    [Theory]
    [InlineData(25540.0, "25.5k")]
    [InlineData(999_900.0, "1M")]
    [InlineData(-1_234_567.0, "-1.23M")]
    [InlineData(1126.0, "1126")]
    [InlineData(-0.023324, "-0.02332")]
    [InlineData(0.000012345, "1.2E-05")]
    [InlineData(0.0, "0")]
    [InlineData(3e15, "3E+15")]
    public void AxisLabelsFitTheMarginLeftOfThePlot(double value, string label)
    {
        Assert.Equal(label, HtmlReport.AxisLabel(value));
        Assert.InRange(label.Length, 1, 8);
    }

    [Fact]
    public void MalformedLineNamesFileAndLine()
    {
        var e = Assert.Throws<FormatException>(() => Log("{\"step\": 0}", "not json"));
        Assert.Contains(":2:", e.Message);
    }
}
