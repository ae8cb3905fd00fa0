using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Stages.Metrics;

namespace Pipeline.Cli.Reports;

/// <summary>
/// One self-contained HTML page of a run's metrics: inline SVG line charts, inline CSS, one inline
/// script that only checks the drawing (<see cref="HtmlReportScript"/>), and nothing fetched, so it
/// opens offline and can be mailed or attached to an issue.
/// </summary>
public static class HtmlReport
{
    /// <summary>The charts and the keys each draws, in page order; a chart with no data is left out.</summary>
    public static IReadOnlyList<(string Title, string[] Keys)> Charts { get; } =
    [
        ("Reward", [MetricNames.Reward, MetricNames.RewardStd]),
        ("Pass rate", [MetricNames.PassRate]),
        ("Groups", [MetricNames.GroupsAllCorrect, MetricNames.GroupsAllWrong, MetricNames.GroupsFiltered]),
        ("Completion length", [MetricNames.MeanLength, MetricNames.MeanLengthCorrect, MetricNames.MeanLengthIncorrect]),
        ("Truncation rate", [MetricNames.TruncationRate]),
        ("Entropy", [MetricNames.Entropy]),
        ("KL", [MetricNames.Kl, MetricNames.PpoKl]),
        ("Clip fractions", [MetricNames.ClipRatioLow, MetricNames.ClipRatioHigh, MetricNames.ClipFrac]),
        ("Loss", [MetricNames.PolicyLoss, MetricNames.Loss]),
        ("Throughput (tokens/s)", [MetricNames.TokensPerSecond]),
        ("Throughput (rollouts/s)", [MetricNames.RolloutsPerSecond]),
        ("Step time (s)", [MetricNames.TimeStep, MetricNames.TimeGenerate, MetricNames.TimeVerify, MetricNames.TimeTrain]),
    ];

    // Ten, so the nine stages of the utilisation chart each get their own.
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public static string Render(MetricsLog log, string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(title))
            .Append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}h1{font-size:1.4em}")
            .Append(".grid{display:flex;flex-wrap:wrap;gap:1.5em}.chart{border:1px solid #ddd;padding:.5em;width:420px}")
            .Append(".chart h2{font-size:1em;margin:.2em 0}.legend span{margin-right:1em;font-size:.85em;white-space:nowrap;display:inline-block}</style></head>\n<body>\n<h1>")
            .Append(WebUtility.HtmlEncode(title))
            .Append("</h1>\n<p>").Append(log.Lines.ToString(CultureInfo.InvariantCulture)).Append(" steps logged.</p>\n<div class=\"grid\">\n");
        var charts = Charts.ToList();
        var components = log.Keys.Where(k => k.StartsWith("rewards/", StringComparison.Ordinal) && k.EndsWith("/mean", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        if (components.Length > 0)
        {
            charts.Insert(1, ("Reward components", components));
        }

        // Stages in the order the run logged them (graph order), not alphabetical.
        var stages = log.Keys.Where(k => k.StartsWith(MetricNames.StageUtilisationPrefix, StringComparison.Ordinal)).ToArray();
        if (stages.Length > 0)
        {
            charts.Add(("Stage utilisation (busy share of wall time)", stages));
        }

        foreach (var (chartTitle, keys) in charts)
        {
            var present = keys.Where(k => log.Series(k).Count > 0).ToArray();
            if (present.Length > 0)
            {
                AppendChart(html, chartTitle, present, log);
            }
        }

        html.Append("</div>\n<script>\n").Append(HtmlReportScript.Source).Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>
    /// An axis value in at most 8 characters, so it fits the 56 px left of the plot: large values
    /// get an SI suffix (25.5k, not 2.554E+04, whose first digits the svg cut off).
    /// </summary>
    public static string AxisLabel(double v)
    {
        var c = CultureInfo.InvariantCulture;
        double magnitude = Math.Abs(v);
        if (magnitude >= 1e4)
        {
            // The smallest scale that leaves under 1000 after rounding (999.9k is 1M).
            foreach (var (scale, suffix) in new[] { (1e3, "k"), (1e6, "M"), (1e9, "G"), (1e12, "T") })
            {
                var scaled = (v / scale).ToString("G3", c);
                if (Math.Abs(double.Parse(scaled, c)) < 1000)
                {
                    return scaled + suffix;
                }
            }

            return v.ToString("0.#E+0", c);
        }

        return v.ToString(magnitude != 0 && magnitude < 1e-3 ? "G2" : "G4", c);
    }

    private static void AppendChart(StringBuilder html, string title, string[] keys, MetricsLog log)
    {
        const double width = 420, height = 220, left = 56, right = 10, top = 10, bottom = 28;
        var points = keys.SelectMany(k => log.Series(k)).ToList();
        double xMin = points.Min(p => p.Step), xMax = points.Max(p => p.Step);
        double yMin = points.Min(p => p.Value), yMax = points.Max(p => p.Value);
        if (xMax == xMin)
        {
            xMax = xMin + 1;
        }

        if (yMax == yMin)
        {
            (yMin, yMax) = (yMin - 0.5, yMax + 0.5);
        }

        string X(double x) => (left + ((x - xMin) / (xMax - xMin) * (width - left - right))).ToString("F1", CultureInfo.InvariantCulture);
        string Y(double y) => (top + ((yMax - y) / (yMax - yMin) * (height - top - bottom))).ToString("F1", CultureInfo.InvariantCulture);
        string Label(double v) => WebUtility.HtmlEncode(AxisLabel(v));

        html.Append("<div class=\"chart\"><h2>").Append(WebUtility.HtmlEncode(title)).Append("</h2>\n")
            .Append(CultureInfo.InvariantCulture, $"<svg width=\"{width}\" height=\"{height}\" data-series=\"{keys.Length}\" data-points=\"{points.Count}\" role=\"img\">\n")
            .Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"#999\"/>")
            .Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"#999\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{top + 10}\" font-size=\"10\" text-anchor=\"end\">{Label(yMax)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{height - bottom}\" font-size=\"10\" text-anchor=\"end\">{Label(yMin)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 8}\" font-size=\"10\">step {Label(xMin)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{width - right}\" y=\"{height - 8}\" font-size=\"10\" text-anchor=\"end\">{Label(xMax)}</text>\n");
        for (var i = 0; i < keys.Length; i++)
        {
            var series = log.Series(keys[i]);
            var colour = Colours[i % Colours.Length];
            html.Append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").Append(colour).Append("\" data-key=\"").Append(WebUtility.HtmlEncode(keys[i])).Append("\" points=\"")
                .AppendJoin(' ', series.Select(p => $"{X(p.Step)},{Y(p.Value)}"))
                .Append("\"/>\n");
            if (series.Count == 1)
            {
                html.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(series[0].Step)}\" cy=\"{Y(series[0].Value)}\" r=\"2.5\" fill=\"{colour}\"/>\n");
            }
        }

        html.Append("</svg>\n<div class=\"legend\">");
        for (var i = 0; i < keys.Length; i++)
        {
            html.Append("<span style=\"color:").Append(Colours[i % Colours.Length]).Append("\">&#9632; ").Append(WebUtility.HtmlEncode(keys[i])).Append("</span>");
        }

        html.Append("</div></div>\n");
    }
}
