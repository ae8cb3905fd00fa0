using System.Globalization;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using Pipeline.Cli.Diagnostics;
using Pipeline.Model.Torch;

namespace Pipeline.Bench.Shared;

/// <summary>
/// <c>./run bench --save ...</c>: after the suites ran, writes bench/results/&lt;Suite&gt;.md for each,
/// the GitHub-markdown table under the machine description and the fp32 matmul peak measured in
/// this process, so a result never travels without what it depends on.
/// </summary>
public static class ResultsWriter
{
    public const string Flag = "--save";

    public static void Write(IEnumerable<Summary> summaries, string directory)
    {
        var list = summaries.Where(s => s.BenchmarksCases.Length > 0).ToList();
        if (list.Count == 0) return;
        double peak = new Doctor().Measure(MatmulType.Float32); // also maps the BLAS, so the description names it
        var machine = MachineDescription.Read().ToMarkdown();
        Directory.CreateDirectory(directory);
        foreach (var summary in list)
        {
            var name = summary.BenchmarksCases[0].Descriptor.Type.Name;
            var logger = new AccumulationLogger();
            MarkdownExporter.GitHub.ExportToLog(summary, logger);
            var path = Path.Combine(directory, name + ".md");
            File.WriteAllText(path, Format(name, logger.GetLog(), machine, peak, DateTimeOffset.UtcNow));
            Console.WriteLine($"written to {path}");
        }
    }

    public static string Format(string suite, string table, string machine, double peakGflops, DateTimeOffset when) =>
        string.Join('\n',
            $"# {suite}",
            string.Empty,
            string.Create(CultureInfo.InvariantCulture, $"Measured {when:yyyy-MM-dd HH:mm} UTC. The machine was shared with other work while measuring, so absolute times are noisy; ratios to the baseline within one run are the steadier figure."),
            string.Empty,
            "## Machine",
            string.Empty,
            machine,
            string.Create(CultureInfo.InvariantCulture, $"- fp32 matmul 1024 (as `pipeline doctor` measures it): {peakGflops:F1} GFLOP/s"),
            string.Empty,
            "## Results",
            string.Empty,
            table.TrimEnd(),
            string.Empty);
}
