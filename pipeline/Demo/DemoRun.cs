using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Configuration;
using Pipeline.Cli.Evaluation;
using Pipeline.Cli.Reports;
using Pipeline.Cli.Sft;
using Pipeline.Cli.Training;
using Pipeline.Data.Problems;
using Pipeline.Stages.Policy;

namespace Pipeline.Cli.Demo;

/// <param name="Seed">Seeds weights, problems, shuffling and sampling: a seed gives one run.</param>
/// <param name="Out">The demo's folder: sft/ (the warm start), grpo/ (the run), demo.json, config.json.</param>
/// <param name="Overrides">--set overrides of the built-in config (tests shrink it with these).</param>
/// <param name="N">Samples per held-out problem.</param>
/// <param name="Ks">The k of pass@k and maj@k.</param>
/// <param name="Problems">Held-out problems evaluated.</param>
public sealed record DemoSettings(ulong Seed, string Out, IReadOnlyList<string> Overrides, int N, IReadOnlyList<int> Ks, int Problems);

/// <summary>
/// The end-to-end demo: a model built from scratch gets a supervised warm start on the task's
/// reference solutions, is evaluated on the held-out split, trained with GRPO from that checkpoint
/// on training-split problems only, and evaluated again with the same settings and seeds.
/// </summary>
public static class DemoRun
{
    /// <summary>configs/demo.json, embedded so the demo runs from the binary alone.</summary>
    public static string EmbeddedConfig()
    {
        using var stream = typeof(DemoRun).Assembly.GetManifestResourceStream("demo.json")
            ?? throw new InvalidOperationException("the demo config (configs/demo.json) is not embedded in this build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static async Task<DemoResult> RunAsync(DemoSettings s, Action<string> note, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(s.Out);
        // The demo owns these folders; a second demo into the same --out replaces them.
        foreach (var part in new[] { "sft", "grpo" })
            if (Directory.Exists(Path.Combine(s.Out, part))) Directory.Delete(Path.Combine(s.Out, part), recursive: true);
        var embedded = Path.Combine(s.Out, "demo.config.json");
        await File.WriteAllTextAsync(embedded, EmbeddedConfig(), ct).ConfigureAwait(false);
        var config = RunConfigLoader.Load(embedded, [.. s.Overrides, $"seed={s.Seed}", $"runs_dir={s.Out}", "name=grpo"]);
        if (config.Model.Type != "llama") throw new ConfigException($"model.type: the demo starts GRPO from its warm start through model.path, which needs a llama (not '{config.Model.Type}').");
        var eval = new EvalOptions(s.N, s.Ks, ProblemSplit.HeldOut, s.Problems);

        var clock = Stopwatch.StartNew();
        note($"demo: 1/4 supervised warm start ({config.Sft.Steps} steps) of a fresh {config.Model.Type} (dim {config.Model.Dim}, {config.Model.Layers} layers) on {config.Task.Name} reference solutions{(config.Sft.AnswerNoise > 0 ? string.Create(CultureInfo.InvariantCulture, $", {config.Sft.AnswerNoise * 100:0.#}% of them with one wrong character in the answer") : "")}");
        var sft = SftRun.Run(config, null, Path.Combine(s.Out, "sft"), note, ct);
        double sftSeconds = clock.Elapsed.TotalSeconds;
        var grpoConfig = SftRun.StartingFrom(config, sft.Directory);

        clock.Restart();
        note($"demo: 2/4 evaluating the warm start on {s.Problems} held-out problems, n={s.N}");
        var tokenizer = TrainingRun.CreateTokenizer(grpoConfig);
        EvalResult before;
        using (var start = TrainingRun.CreatePolicy(grpoConfig, tokenizer))
            before = await Evaluator.RunAsync(grpoConfig, start, tokenizer, eval, ct).ConfigureAwait(false);
        double evalSeconds = clock.Elapsed.TotalSeconds;
        note($"demo: warm start held-out pass@1 {before.PassAt1:F3}");

        clock.Restart();
        note($"demo: 3/4 GRPO from the warm start, {grpoConfig.Training.Steps} steps of {grpoConfig.Task.PromptsPerStep} prompts x {grpoConfig.Task.GroupSize} completions");
        EvalResult after;
        string runDir;
        double grpoSeconds;
        using (var run = TrainingRun.Open(grpoConfig, resume: false, progress: note))
        {
            runDir = run.Directory;
            var graph = await TrainingGraph.RunAsync(grpoConfig, run.Parts(), ct).ConfigureAwait(false);
            if (graph.End != GraphEnd.Completed) throw new OperationCanceledException("the GRPO run was stopped.");
            grpoSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            note($"demo: 4/4 evaluating the GRPO policy with the same settings");
            after = await Evaluator.RunAsync(grpoConfig, run.Policy, run.Tokenizer, eval, ct).ConfigureAwait(false);
            evalSeconds += clock.Elapsed.TotalSeconds;
        }

        var result = new DemoResult
        {
            Seed = s.Seed,
            Task = config.Task.Name,
            Difficulty = config.Task.Difficulty,
            Temperature = config.Generation.Temperature,
            Sft = before with { Checkpoint = sft.Directory },
            Grpo = after with { Checkpoint = Path.GetFullPath(runDir) },
            SftSeconds = sftSeconds,
            GrpoSeconds = grpoSeconds,
            EvalSeconds = evalSeconds,
            TotalSeconds = total.Elapsed.TotalSeconds,
        };
        await File.WriteAllTextAsync(Path.Combine(s.Out, "demo.json"), JsonSerializer.Serialize(result, ConfigJson.Options), ct).ConfigureAwait(false);
        var page = HtmlReport.Render(MetricsLog.Read(Path.Combine(runDir, "metrics.jsonl")), $"Demo: GRPO on {config.Task.Name}, seed {s.Seed}");
        await File.WriteAllTextAsync(ReportPath(s.Out), page.Replace("</body>", result.ToHtml() + "</body>", StringComparison.Ordinal), ct).ConfigureAwait(false);
        return result;
    }

    public static string ReportPath(string outDir) => Path.Combine(outDir, "grpo", "report.html");
}
