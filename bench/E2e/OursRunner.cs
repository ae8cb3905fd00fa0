using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Configuration;
using Pipeline.Data.Rollouts;
using Pipeline.Stages.Metrics;

namespace Pipeline.Bench.E2e;

/// <summary>
/// Our side: <c>pipeline train</c> as a child process (its own memory, start-up and exit, like the
/// peer's), on the config the harness wrote; step timings from metrics.jsonl, lengths from the
/// rollout log.
/// </summary>
public sealed class OursRunner(string repoRoot, FlopCounter flops)
{
    public SideRun Run(RunConfig config, int threads, int warmupSteps, string workDir)
    {
        var runDir = Path.Combine(config.RunsDir, config.Name);
        if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true);
        var configPath = Path.Combine(workDir, config.Name + ".json");
        File.WriteAllText(configPath, JsonSerializer.Serialize(config, ConfigJson.Options));
        var cli = Path.Combine(repoRoot, "pipeline", "bin", "Release", "net10.0", "pipeline.dll");
        if (!File.Exists(cli)) throw new InvalidOperationException($"{cli} is missing: run './run build' first.");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = repoRoot };
        foreach (var a in new[] { cli, "train", "--config", configPath }) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        var result = ChildProcess.Run(psi);
        if (result.ExitCode != 0) throw new InvalidOperationException($"pipeline train exited {result.ExitCode}: {result.Stderr}{result.Stdout}");

        var lengths = new ReplayReader(Path.Combine(runDir, "rollouts")).Read()
            .GroupBy(r => r.Step)
            .ToDictionary(g => g.Key, g => g.Select(r => (r.PromptTokenIds.Length, r.CompletionTokenIds.Length)).ToList());
        var steps = new List<StepSample>();
        foreach (var line in File.ReadLines(Path.Combine(runDir, "metrics.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var m = doc.RootElement;
            long step = (long)m.GetProperty(MetricNames.Step).GetDouble();
            if (step <= warmupSteps) continue;
            var rows = lengths[step];
            steps.Add(new StepSample(
                step,
                m.GetProperty(MetricNames.TimeGenerate).GetDouble(),
                m.GetProperty(MetricNames.TimeTrain).GetDouble(),
                m.GetProperty(MetricNames.TimeStep).GetDouble(),
                rows.Count,
                rows.Sum(r => (long)r.Item2),
                rows.Sum(r => flops.Generation(r.Item1, r.Item2)),
                rows.Sum(r => flops.Training(r.Item1, r.Item2))));
        }

        return new SideRun(steps, result.PeakRssBytes, result.WallSeconds);
    }
}
