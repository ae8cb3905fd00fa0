using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Cli.Configuration;
using Pipeline.Cli.Evaluation;
using Pipeline.Cli.Training;
using Pipeline.Data.Problems;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Evaluation;

public class EvalTests
{
    private static string Config => RepoRoot.Path("configs", "tiny_arithmetic.json");

    private static ProblemSamples Problem(params (bool Correct, string? Answer)[] samples) =>
        new("p", [.. samples.Select(s => new Sample(s.Correct, s.Answer, 3, s.Correct ? 1 : 0))]);

    [Fact]
    public void MetricsFollowTheEstimatorsOverProblems()
    {
        // Problem A: 1 of 4 correct, the majority answer "5" wrong; problem B: 2 of 4 correct, "7" wins.
        var a = Problem((false, "5"), (true, "4"), (false, "5"), (false, null));
        var b = Problem((true, "7"), (false, "1"), (true, "7"), (false, "2"));
        var r = EvalResult.From([a, b], new EvalOptions(4, [1, 2, 4], ProblemSplit.HeldOut, 2));
        Assert.Equal((0.25 + 0.5) / 2, r.PassAt1, 12);
        Assert.Equal(r.PassAt1, r.PassAtK[1], 12);
        Assert.Equal(((1 - (3.0 / 4 * 2 / 3)) + (1 - (2.0 / 4 * 1 / 3))) / 2, r.PassAtK[2], 12);
        Assert.Equal(1.0, r.PassAtK[4]);
        Assert.Equal(0.5, r.MajAtK[1]); // A's first sample is wrong, B's right
        Assert.Equal(0.5, r.MajAtK[4]); // A: "5" beats "4"; B: "7" wins
        Assert.Equal(3.0, r.MeanCompletionLength);
        Assert.Contains("pass@2", r.ToTable());
    }

    private static async Task<(int Code, string Out, string Err)> Run(EvalCommand.Settings s)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await EvalCommand.RunAsync(s, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private static EvalCommand.Settings Settings(string runs, string? checkpoint = null, string ks = "1,2,4", string split = "held_out") =>
        new(Config, [$"runs_dir={runs}"], checkpoint, 4, ks, split, 6, null);

    [Fact]
    public async Task EvalRunsTheTinyConfigOnHeldOutProblemsAndWritesEvalJson()
    {
        var runs = Directory.CreateTempSubdirectory("pipeline-eval-").FullName;
        try
        {
            var (code, output, error) = await Run(Settings(runs));
            Assert.True(code == 0, error);
            Assert.Contains("6 problems (held_out), n=4", output);
            Assert.Contains("maj@4", output);
            var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(runs, "tiny_arithmetic", "eval.json"))).RootElement;
            Assert.Equal(6, json.GetProperty("problems").GetInt32());
            Assert.Equal("held_out", json.GetProperty("split").GetString());
            Assert.InRange(json.GetProperty("pass@k").GetProperty("4").GetDouble(), json.GetProperty("pass@1").GetDouble(), 1.0);
            Assert.InRange(json.GetProperty("mean_completion_length").GetDouble(), 1, 24);

            // Saved initial weights reproduce the run exactly; other weights sample differently.
            var config = RunConfigLoader.Load(Config, []);
            var same = Path.Combine(runs, "same");
            var other = Path.Combine(runs, "other");
            Directory.CreateDirectory(same);
            Directory.CreateDirectory(other);
            using (var policy = TrainingRun.CreatePolicy(config, TrainingRun.CreateTokenizer())) policy.Save(Path.Combine(same, "weights.safetensors"));
            using (var policy = TrainingRun.CreatePolicy(config with { Seed = 7 }, TrainingRun.CreateTokenizer())) policy.Save(Path.Combine(other, "weights.safetensors"));
            Assert.Equal(0, (await Run(Settings(runs, same))).Code);
            Assert.Equal(0, (await Run(Settings(runs, other))).Code);
            double Length(string dir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json"))).RootElement.GetProperty("mean_completion_length").GetDouble();
            Assert.Equal(json.GetProperty("mean_completion_length").GetDouble(), Length(same));
            Assert.NotEqual(Length(same), Length(other));
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [Fact]
    public async Task EvaluatedProblemsComeFromTheRequestedSplit()
    {
        var config = RunConfigLoader.Load(Config, []);
        using var policy = TrainingRun.CreatePolicy(config, TrainingRun.CreateTokenizer());
        var r = await Evaluator.RunAsync(config, policy, TrainingRun.CreateTokenizer(), new EvalOptions(2, [1, 2], ProblemSplit.HeldOut, 5), CancellationToken.None);
        Assert.Equal(5, r.PerProblem.Count);
        Assert.All(r.PerProblem, p => Assert.Equal(ProblemSplit.HeldOut, ProblemSplitter.Assign(p.ProblemId, config.Task.HeldOutFraction)));
    }

    [Theory]
    [InlineData("1,8", "held_out", null, "--k: 8 must lie in 1..n (4)")]
    [InlineData("1,x", "held_out", null, "--k: 'x' is not a positive integer")]
    [InlineData("1", "test", null, "--split: 'test' is not one of: held_out, train.")]
    [InlineData("1", "held_out", "missing", "holds neither weights.safetensors nor a complete checkpoint")]
    public async Task BadArgumentsNameTheOption(string ks, string split, string? checkpoint, string message)
    {
        var runs = Directory.CreateTempSubdirectory("pipeline-eval-").FullName;
        try
        {
            var (code, _, error) = await Run(Settings(runs, checkpoint is null ? null : Path.Combine(runs, checkpoint), ks, split));
            Assert.Equal(2, code);
            Assert.Contains(message, error);
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
