using System.CommandLine;
using System.Globalization;
using Pipeline.Cli.Configuration;
using Pipeline.Cli.Sft;
using Pipeline.Data.Datasets;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline sft --config FILE [--set k=v] [--dataset FILE] [--out DIR]</c>: the supervised warm
/// start. Exit codes: 0 done, 1 training failed, 2 bad config or dataset.
/// </summary>
public static class SftCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The run config (model, task, and the sft section).", Required = true };
        var set = new Option<string[]>("--set") { Description = "Override a config value by dotted key, e.g. --set sft.steps=50 (repeatable).", AllowMultipleArgumentsPerToken = true };
        var dataset = new Option<FileInfo?>("--dataset") { Description = "A JSONL or Parquet file of string fields prompt and completion (or solution); default: the task's reference solutions." };
        var output = new Option<DirectoryInfo?>("--out") { Description = "The checkpoint folder to write (default: sft.out, else {runs_dir}/{name}/sft)." };
        var command = new Command("sft", "Supervised warm start: fit the model to reference completions and write a checkpoint train can start from.")
        {
            config, set, dataset, output,
        };
        command.SetAction((parse, ct) => Task.FromResult(Run(parse.GetValue(config)!.FullName, parse.GetValue(set) ?? [], parse.GetValue(dataset)?.FullName, parse.GetValue(output)?.FullName, Console.Out, Console.Error, ct)));
        return command;
    }

    public static int Run(string configPath, IReadOnlyList<string> overrides, string? dataset, string? outDir, TextWriter output, TextWriter error, CancellationToken ct)
    {
        try
        {
            var config = RunConfigLoader.Load(configPath, overrides);
            if (dataset is not null && !File.Exists(dataset)) throw new ConfigException($"--dataset {dataset}: no such file.");
            var result = SftRun.Run(config, dataset, outDir, output.WriteLine, ct);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sft: done in {result.Elapsed.TotalSeconds:F1} s; NLL {result.InitialLoss:F3} -> {result.FinalLoss:F3} per token; checkpoint {result.Directory}"));
            if (config.Model.Type == "llama")
                output.WriteLine($"sft: start GRPO from it with: pipeline train --config {configPath} --set model.path={result.Directory}");
            else
                output.WriteLine($"sft: evaluate it with: pipeline eval --config {configPath} --checkpoint {result.Directory}");
            return 0;
        }
        catch (Exception e) when (e is ConfigException or DatasetFormatException or IOException)
        {
            error.WriteLine($"sft: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            error.WriteLine($"sft: the warm start failed: {e.Message}");
            return 1;
        }
    }
}
