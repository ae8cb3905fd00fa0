using System.CommandLine;
using Pipeline.Cli.Reports;

namespace Pipeline.Cli.Commands;

public static class ReportCommand
{
    public static Command Create()
    {
        var run = new Argument<DirectoryInfo>("run") { Description = "The run directory (holding metrics.jsonl)." };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the page (default: RUN/report.html)." };
        var command = new Command("report", "Write one self-contained HTML page with charts of a run's metrics.") { run, output };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(run)!;
            var metrics = Path.Combine(dir.FullName, "metrics.jsonl");
            if (!File.Exists(metrics))
            {
                Console.Error.WriteLine($"report: {metrics} does not exist; is '{dir.FullName}' a run directory?");
                return 1;
            }

            try
            {
                var path = parse.GetValue(output)?.FullName ?? Path.Combine(dir.FullName, "report.html");
                File.WriteAllText(path, HtmlReport.Render(MetricsLog.Read(metrics), $"Run {dir.Name}"));
                Console.WriteLine(path);
                return 0;
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"report: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
