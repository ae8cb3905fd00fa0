using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Sft;

public class SftCommandTests
{
    private static string Config => RepoRoot.Path("configs", "demo.json");

    // A llama small enough to warm-start in seconds.
    private static string[] Small(string runs) =>
        [$"runs_dir={runs}", "model.dim=16", "model.hidden=32", "model.layers=1", "model.heads=2", "model.kv_heads=1",
         "sft.steps=40", "sft.batch_size=8", "sft.micro_batch_size=8", "sft.examples=8", "sft.lr=0.02", "sft.warmup_steps=2"];

    private static (int Code, string Out, string Err) Run(IReadOnlyList<string> overrides, string? dataset = null, string? outDir = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SftCommand.Run(Config, overrides, dataset, outDir, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task TaskReferenceSolutionsGiveACheckpointThatEvalAndTrainStartFrom()
    {
        var runs = Directory.CreateTempSubdirectory("pipeline-sft-").FullName;
        try
        {
            var (code, output, error) = Run(Small(runs));
            Assert.True(code == 0, error);
            var dir = Path.Combine(runs, "demo", "sft");
            Assert.Contains($"checkpoint {dir}", output);
            foreach (var file in new[] { "config.json", "model.safetensors", "weights.safetensors", "sft.json", "sft_metrics.jsonl" })
                Assert.True(File.Exists(Path.Combine(dir, file)), file);
            var sft = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "sft.json"))).RootElement;
            Assert.True(sft.GetProperty("final_loss").GetDouble() < sft.GetProperty("initial_loss").GetDouble() - 1, sft.ToString());
            Assert.Equal(40, File.ReadAllLines(Path.Combine(dir, "sft_metrics.jsonl")).Length);

            // The folder is a model.path: eval loads it as a Hugging Face checkpoint.
            var evalOut = new StringWriter();
            var evalErr = new StringWriter();
            int evalCode = await EvalCommand.RunAsync(new EvalCommand.Settings(Config, [.. Small(runs), $"model.path={dir}"], null, 2, "1,2", "held_out", 2, Path.Combine(runs, "eval.json")),
                evalOut, evalErr, CancellationToken.None);
            Assert.True(evalCode == 0, evalErr.ToString());
            Assert.Contains("2 problems (held_out), n=2", evalOut.ToString());
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [Fact]
    public void ADatasetFileOfPromptsAndCompletionsOrSolutionsTrains()
    {
        var runs = Directory.CreateTempSubdirectory("pipeline-sft-").FullName;
        try
        {
            var data = Path.Combine(runs, "pairs.jsonl");
            File.WriteAllLines(data,
            [
                """{"prompt": "Compute 2 + 3.", "completion": "<think>\n2 + 3 = 5\n</think>\n<answer>5</answer>"}""",
                """{"prompt": "Compute 4 * 2.", "solution": "<think>\n4 * 2 = 8\n</think>\n<answer>8</answer>"}""",
            ]);
            var (code, output, error) = Run(Small(runs), data, Path.Combine(runs, "out"));
            Assert.True(code == 0, error);
            // The demo config's sloppy teacher applies to a dataset's completions too.
            Assert.Contains("sft: 2 examples (" + data + ", 70% of them with a slip in the answer (sft.answer_noise))", output);
            Assert.True(File.Exists(Path.Combine(runs, "out", "weights.safetensors")));
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [Fact]
    public void ABadDatasetRowIsNamedByFileLineAndField()
    {
        var runs = Directory.CreateTempSubdirectory("pipeline-sft-").FullName;
        try
        {
            var data = Path.Combine(runs, "pairs.jsonl");
            File.WriteAllLines(data, ["""{"prompt": "a", "completion": "b"}""", """{"prompt": "c", "completion": 7}"""]);
            var (code, _, error) = Run(Small(runs), data);
            Assert.Equal(2, code);
            Assert.Contains($"{data} line 2, field 'completion': expected a string", error);

            var (badConfig, _, configError) = Run([.. Small(runs), "sft.batch_size=0"]);
            Assert.Equal(2, badConfig);
            Assert.Contains("sft.batch_size: 0 must be at least 1", configError);
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
