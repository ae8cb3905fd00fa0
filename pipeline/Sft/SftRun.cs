using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Configuration;
using Pipeline.Cli.Training;
using Pipeline.Data.Tasks;
using Pipeline.Model.Checkpoints;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Policy;
using Pipeline.Stages.Sft;

namespace Pipeline.Cli.Sft;

/// <summary>What a warm start wrote: the checkpoint folder and the loss before and after.</summary>
public sealed record SftResult(string Directory, int Examples, int Steps, double InitialLoss, double FinalLoss, TimeSpan Elapsed);

/// <summary>
/// The supervised warm start of a run config's model: builds the policy as <c>train</c> would,
/// fits it to reference completions, and writes a checkpoint folder a later run starts from.
/// For a llama the folder is a Hugging Face checkpoint (config.json, model.safetensors, and the
/// starting checkpoint's tokenizer.json), so <c>model.path</c> points <c>train</c> and <c>eval</c>
/// at it; every kind also gets weights.safetensors, which <c>eval --checkpoint</c> reads.
/// </summary>
public static class SftRun
{
    public const string WeightsFile = "weights.safetensors";
    public const string MetricsFile = "sft_metrics.jsonl";

    /// <param name="datasetPath">A JSONL/Parquet file of prompt/completion pairs; null: the task's reference solutions.</param>
    /// <param name="outDir">Overrides sft.out.</param>
    public static SftResult Run(RunConfig config, string? datasetPath, string? outDir, Action<string>? note, CancellationToken cancellationToken = default)
    {
        var start = DateTime.UtcNow;
        var dir = outDir ?? config.Sft.Out ?? Path.Combine(config.RunsDir, config.Name, "sft");
        var tokenizer = TrainingRun.CreateTokenizer(config);
        var pairs = datasetPath is null
            ? SftDataset.FromTask(TaskRegistry.CreateDefault().Get(config.Task.Name), config.Task.ToTaskOptions(config.Seed), config.Sft.Examples)
            : SftDataset.FromFile(datasetPath, cancellationToken);
        pairs = AnswerNoise.Apply(pairs, config.Sft.AnswerNoise, config.Seed);
        var examples = SftDataset.Encode(pairs, tokenizer);

        using var policy = TrainingRun.CreatePolicy(config, tokenizer);
        using var optimizer = new AdamW(policy.Parameters, config.Sft.Lr, weight_decay: config.Sft.WeightDecay);
        var trainer = new SupervisedTrainer(policy, examples, config.Sft.ToOptions(config.Seed), optimizer, config.Sft.ToSchedule());
        var probe = examples.Take(Math.Min(examples.Count, 64)).ToList();
        double initial = SupervisedTrainer.MeanNll(policy, probe, config.Sft.MicroBatchSize);
        note?.Invoke(string.Create(CultureInfo.InvariantCulture, $"sft: {examples.Count} examples ({(datasetPath is null ? $"task {config.Task.Name} reference solutions" : datasetPath)}{(config.Sft.AnswerNoise > 0 ? $", {config.Sft.AnswerNoise * 100:0.#}% of them with a slip in the answer (sft.answer_noise)" : "")}), {config.Sft.Steps} steps of {config.Sft.BatchSize}, model {config.Model.Type}; initial NLL {initial:F3}"));

        Directory.CreateDirectory(dir);
        using (var metrics = new StreamWriter(Path.Combine(dir, MetricsFile)) { AutoFlush = true })
        {
            int every = Math.Max(1, config.Sft.Steps / 10);
            trainer.Run(s =>
            {
                metrics.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
                {
                    ["step"] = s.Step, ["sft/loss"] = s.Loss, ["sft/grad_norm"] = s.GradNorm, ["sft/lr"] = s.LearningRate, ["sft/tokens"] = s.Tokens,
                }));
                if (s.Step % every == 0 || s.Step == config.Sft.Steps)
                    note?.Invoke(string.Create(CultureInfo.InvariantCulture, $"sft: step {s.Step}/{config.Sft.Steps} loss {s.Loss:F3} grad_norm {s.GradNorm:F2} lr {s.LearningRate:G3}"));
            }, cancellationToken);
        }

        double final = SupervisedTrainer.MeanNll(policy, probe, config.Sft.MicroBatchSize);
        Save(policy, config, dir);
        var result = new SftResult(Path.GetFullPath(dir), examples.Count, config.Sft.Steps, initial, final, DateTime.UtcNow - start);
        File.WriteAllText(Path.Combine(dir, "sft.json"), JsonSerializer.Serialize(result, ConfigJson.Options));
        return result;
    }

    /// <summary>The config a later run uses to start from the warm start's checkpoint in <paramref name="dir"/>.</summary>
    public static RunConfig StartingFrom(RunConfig config, string dir) =>
        config.Model.Type == "llama"
            ? config with { Model = config.Model with { Path = Path.GetFullPath(dir) } }
            : throw new ConfigException($"model.type: a '{config.Model.Type}' model cannot start a run from a checkpoint folder (model.path is for llama); evaluate it with eval --checkpoint {dir}.");

    private static void Save(IPolicyModel policy, RunConfig config, string dir)
    {
        policy.Save(Path.Combine(dir, WeightsFile));
        if (policy is not LlamaPolicy llama) return;
        HfCheckpoint.Save(llama.Model, dir);
        if (config.Model.Path is { } from && File.Exists(Path.Combine(from, "tokenizer.json")))
            File.Copy(Path.Combine(from, "tokenizer.json"), Path.Combine(dir, "tokenizer.json"), overwrite: true);
    }
}
