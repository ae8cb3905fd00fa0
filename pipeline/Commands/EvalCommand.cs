using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Configuration;
using Pipeline.Cli.Evaluation;
using Pipeline.Cli.Training;
using Pipeline.Data.Problems;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline eval --config FILE [--checkpoint DIR]</c>: pass@1, pass@k, maj@k and mean completion
/// length on the task's held-out split, with the run config's model, sampling and rewards.
/// </summary>
public static class EvalCommand
{
    public sealed record Settings(string Config, IReadOnlyList<string> Overrides, string? Checkpoint, int N, string Ks, string Split, int Problems, string? Out);

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The run config (model, task, generation, rewards).", Required = true };
        var set = new Option<string[]>("--set") { Description = "Override a config key: section.key=value (repeatable).", AllowMultipleArgumentsPerToken = true };
        var checkpoint = new Option<DirectoryInfo?>("--checkpoint") { Description = "A checkpoint folder (holding weights.safetensors) or a run directory (its newest complete checkpoint); default: the untrained initial weights." };
        var n = new Option<int>("--n") { Description = "Samples per problem.", DefaultValueFactory = _ => 8 };
        var k = new Option<string>("--k") { Description = "Comma-separated k of pass@k and maj@k, each at most n.", DefaultValueFactory = _ => "1,4,8" };
        var split = new Option<string>("--split") { Description = "held_out or train.", DefaultValueFactory = _ => "held_out" };
        var problems = new Option<int>("--problems") { Description = "Problems of the split to evaluate.", DefaultValueFactory = _ => 64 };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write eval.json (default: the checkpoint folder, else the run directory)." };
        var command = new Command("eval", "Evaluate a policy on the task's held-out problems: pass@1, pass@k, maj@k, mean completion length.")
        {
            config, set, checkpoint, n, k, split, problems, output,
        };
        command.SetAction((parse, ct) => RunAsync(new Settings(parse.GetValue(config)!.FullName, parse.GetValue(set) ?? [], parse.GetValue(checkpoint)?.FullName,
            parse.GetValue(n), parse.GetValue(k)!, parse.GetValue(split)!, parse.GetValue(problems), parse.GetValue(output)?.FullName), Console.Out, Console.Error, ct));
        return command;
    }

    public static async Task<int> RunAsync(Settings s, TextWriter output, TextWriter error, CancellationToken ct)
    {
        try
        {
            var config = RunConfigLoader.Load(s.Config, s.Overrides);
            var options = new EvalOptions(s.N, ParseKs(s.Ks), ParseSplit(s.Split), s.Problems);
            var weights = s.Checkpoint is null ? null : WeightsFile(s.Checkpoint);
            var tokenizer = TrainingRun.CreateTokenizer();
            using var policy = TrainingRun.CreatePolicy(config, tokenizer);
            if (weights is not null) policy.Load(weights);

            var result = await Evaluator.RunAsync(config, policy, tokenizer, options, ct).ConfigureAwait(false) with { Checkpoint = weights is null ? null : Path.GetDirectoryName(weights) };
            var path = s.Out ?? Path.Combine(result.Checkpoint ?? Path.Combine(config.RunsDir, config.Name), "eval.json");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, ConfigJson.Options), ct).ConfigureAwait(false);
            output.Write(result.ToTable());
            output.WriteLine(path);
            return 0;
        }
        catch (Exception e) when (e is ConfigException or ArgumentException or FormatException or IOException)
        {
            error.WriteLine($"eval: {e.Message.Split(" (Parameter", 2)[0]}");
            return 2;
        }
    }

    private static IReadOnlyList<int> ParseKs(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t =>
            int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : throw new FormatException($"--k: '{t}' is not a positive integer (expected e.g. 1,4,8)."))];

    private static ProblemSplit ParseSplit(string text) => text switch
    {
        "held_out" => ProblemSplit.HeldOut,
        "train" => ProblemSplit.Train,
        _ => throw new FormatException($"--split: '{text}' is not one of: held_out, train."),
    };

    /// <summary>A checkpoint folder's weights, or those of a run directory's newest complete checkpoint.</summary>
    private static string WeightsFile(string dir)
    {
        var direct = Path.Combine(dir, "weights.safetensors");
        if (File.Exists(direct)) return direct;
        var checkpoints = Path.Combine(dir, "checkpoints");
        if (Directory.Exists(checkpoints) && CheckpointStore.Complete(checkpoints) is [var newest, ..])
            return Path.Combine(checkpoints, newest.ToString(CultureInfo.InvariantCulture), "weights.safetensors");
        throw new IOException($"--checkpoint {dir}: holds neither weights.safetensors nor a complete checkpoint under checkpoints/.");
    }
}
