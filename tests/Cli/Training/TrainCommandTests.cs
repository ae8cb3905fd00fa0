using System.Diagnostics;
using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Cli.Training;
using Pipeline.Data.Rollouts;
using Pipeline.Stages.Graph;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Training;

/// <summary>Runs alone: the subprocess runs load both cores, which would skew the timing checks of other tests.</summary>
[CollectionDefinition(nameof(TrainCommandTests), DisableParallelization = true)]
public sealed class TrainCommandCollection;

[Collection(nameof(TrainCommandTests))]
public class TrainCommandTests
{
    private static string Config => RepoRoot.Path("configs", "tiny_arithmetic.json");

    private static string TempRuns() => Directory.CreateTempSubdirectory("pipeline-train-").FullName;

    /// <summary>Steps with a complete metrics line so far, while a run may be writing the file.</summary>
    private static int StepsSoFar(string runDir)
    {
        var path = Path.Combine(runDir, "metrics.jsonl");
        if (!File.Exists(path)) return 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Count(c => c == '\n');
    }

    private static List<long> MetricSteps(string runDir) =>
        [.. File.ReadLines(Path.Combine(runDir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64())];

    /// <summary>The log and metrics of a finished run: steps 1..n once each, no duplicate (step, prompt, sample).</summary>
    private static void AssertRunConsistent(string runDir, int steps, int rowsPerStep)
    {
        var rows = new ReplayReader(Path.Combine(runDir, "rollouts")).Read().ToList();
        Assert.Equal(Enumerable.Range(1, steps).Select(s => (long)s), rows.Select(r => r.Step).Distinct().Order());
        Assert.Equal(rows.Count, rows.Select(r => (r.Step, r.PromptId, r.SampleIndex)).Distinct().Count());
        Assert.All(rows.GroupBy(r => r.Step), g => Assert.Equal(rowsPerStep, g.Count(r => r.FilterDecision == Fate.Trained)));
        Assert.Equal(Enumerable.Range(1, steps).Select(s => (long)s), MetricSteps(runDir));
        var newest = CheckpointStore.Complete(Path.Combine(runDir, "checkpoints"))[0];
        Assert.Equal(steps, newest);
        var counters = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(runDir, "checkpoints", steps.ToString(), "counters.json")));
        Assert.Equal(rows.Count, counters.GetProperty("rollouts_logged").GetInt64());
    }

    [Fact]
    public void TrainRunsTheTinyConfigEndToEndAndResumesFromItsCheckpoint()
    {
        var runs = TempRuns();
        try
        {
            Assert.Equal(0, TrainCommand.Run(Config, false, [$"runs_dir={runs}", "training.steps=4", "training.checkpoint_every=2"]));
            var dir = Path.Combine(runs, "tiny_arithmetic");
            Assert.True(File.Exists(Path.Combine(dir, "config.json")));
            Assert.True(File.Exists(Path.Combine(dir, "checkpoints", "2", "weights.safetensors")));
            Assert.True(File.Exists(Path.Combine(dir, "checkpoints", "4", CheckpointStore.Marker)));
            AssertRunConsistent(dir, 4, 16);

            Assert.Equal(2, TrainCommand.Run(Config, false, [$"runs_dir={runs}", "training.steps=4"]));
            Assert.Equal(0, TrainCommand.Run(Config, true, [$"runs_dir={runs}", "training.steps=7", "training.checkpoint_every=2", "training.mode=async"]));
            AssertRunConsistent(dir, 7, 16);
            Assert.Equal(2, TrainCommand.Run(Config, false, [$"runs_dir={runs}", "training.mode=warp"]));
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    public static TheoryData<string> Presets()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepoRoot.Path("configs"), "*.json").Where(f => !Pipeline.Tests.Cli.Configuration.RunConfigTests.IsRunConfig(f)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    /// <summary>Every preset's algorithm and rewards, on the tiny model and task, train for two steps.</summary>
    [Theory]
    [MemberData(nameof(Presets))]
    public void EveryPresetTrains(string preset)
    {
        var runs = TempRuns();
        try
        {
            var options = new System.Text.Json.JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip };
            var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Config), documentOptions: options)!.AsObject();
            var algorithm = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoRoot.Path("configs", preset + ".json")), documentOptions: options)!.AsObject();
            config["algorithm"] = algorithm["algorithm"]!.DeepClone();
            config["rewards"] = algorithm["rewards"]!.DeepClone();
            config["name"] = preset;
            var path = Path.Combine(runs, preset + ".json");
            File.WriteAllText(path, config.ToJsonString());
            Assert.Equal(0, TrainCommand.Run(path, false, [$"runs_dir={runs}", "training.steps=2", "training.checkpoint_every=2"]));
            AssertRunConsistent(Path.Combine(runs, preset), 2, 16);
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [Fact]
    public void TrainsTheLlamaPolicyAndResumesItsCheckpoint()
    {
        var runs = TempRuns();
        string[] llama = [$"runs_dir={runs}", "model.type=llama", "model.dim=32", "model.hidden=64", "model.layers=1", "model.heads=2", "model.kv_heads=1", "training.checkpoint_every=2"];
        try
        {
            Assert.Equal(0, TrainCommand.Run(Config, false, [.. llama, "training.steps=2"]));
            var dir = Path.Combine(runs, "tiny_arithmetic");
            AssertRunConsistent(dir, 2, 16);
            var weights = Path.Combine(dir, "checkpoints", "2", "weights.safetensors");
            using (var reader = new Pipeline.Model.Checkpoints.SafetensorsReader(weights))
            {
                Assert.Contains("model.layers.0.self_attn.q_proj.weight", reader.Names);
            }

            Assert.Equal(0, TrainCommand.Run(Config, true, [.. llama, "training.steps=3"]));
            AssertRunConsistent(dir, 3, 16);
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [Fact]
    public void ASyncRunResumedFromACheckpointEndsWithTheSameWeightsAsAnUninterruptedOne()
    {
        var runs = TempRuns();
        try
        {
            // A length penalty gives the untrained model non-zero advantages, so the weights really move.
            string[] common = [$"runs_dir={runs}", "training.checkpoint_every=2", "generation.max_new_tokens=8",
                "rewards=[{\"name\":\"answer\",\"weight\":1.0},{\"name\":\"length_penalty\",\"weight\":1.0}]"];
            Assert.Equal(0, TrainCommand.Run(Config, false, [.. common, "name=straight", "training.steps=4"]));
            Assert.Equal(0, TrainCommand.Run(Config, false, [.. common, "name=resumed", "training.steps=2"]));
            Assert.Equal(0, TrainCommand.Run(Config, true, [.. common, "name=resumed", "training.steps=4"]));
            byte[] Weights(string name, int step) => File.ReadAllBytes(Path.Combine(runs, name, "checkpoints", step.ToString(), "weights.safetensors"));
            Assert.NotEqual(Weights("straight", 2), Weights("straight", 4));
            Assert.Equal(Weights("straight", 4), Weights("resumed", 4));
            var a = new ReplayReader(Path.Combine(runs, "straight", "rollouts")).Read().Select(r => (r.Step, r.PromptId, r.SampleIndex, r.CompletionText)).ToList();
            var b = new ReplayReader(Path.Combine(runs, "resumed", "rollouts")).Read().Select(r => (r.Step, r.PromptId, r.SampleIndex, r.CompletionText)).ToList();
            Assert.Equal(a, b);
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    private static Process Start(string runs, int steps, bool resume, params string[] extra)
    {
        var dll = RepoRoot.Path("pipeline", "bin", "Release", "net10.0", "pipeline.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing; build pipeline/Pipeline.csproj -c Release first.");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "train", "--config", Config }) info.ArgumentList.Add(a);
        if (resume) info.ArgumentList.Add("--resume");
        info.ArgumentList.Add("--set");
        foreach (var a in new[] { $"runs_dir={runs}", $"training.steps={steps}", "training.checkpoint_every=3", "training.roll_every=4" }.Concat(extra)) info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    [Fact]
    public void ResumeAfterSigkillAtRandomPointsLeavesTheLogAndCountersConsistent()
    {
        var runs = TempRuns();
        var random = new Random(20261122);
        const int steps = 40;
        try
        {
            var dir = Path.Combine(runs, "tiny_arithmetic");
            for (int attempt = 0; attempt < 3; attempt++)
            {
                using var p = Start(runs, steps, resume: attempt > 0, attempt == 1 ? "training.mode=async" : "training.mode=sync");
                // Kill once the run has made progress, at a random moment between steps or mid-step.
                var deadline = Stopwatch.StartNew();
                while (deadline.Elapsed < TimeSpan.FromSeconds(30) && !p.HasExited && StepsSoFar(dir) < 2)
                    Thread.Sleep(20);
                Thread.Sleep(random.Next(0, 400));
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                Assert.True(p.WaitForExit(10_000));
            }

            using var last = Start(runs, steps, resume: true);
            Assert.True(last.WaitForExit(60_000), "the resumed run did not finish in 60 s");
            Assert.Equal(0, last.ExitCode);
            AssertRunConsistent(dir, steps, 16);
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public void ASignalCheckpointsTheLastStepAndExitsWithTheSignalCode(string signal, int code)
    {
        var runs = TempRuns();
        try
        {
            var dir = Path.Combine(runs, "tiny_arithmetic");
            using var p = Start(runs, 100_000, resume: false);
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(30) && !p.HasExited && StepsSoFar(dir) < 2)
                Thread.Sleep(20);
            using (var kill = Process.Start("kill", ["-" + signal, p.Id.ToString()])) kill.WaitForExit();
            Assert.True(p.WaitForExit(30_000), "the run did not stop within 30 s of the signal");
            Assert.Equal(code, p.ExitCode);
            var logged = MetricSteps(dir);
            var checkpoint = CheckpointStore.Complete(Path.Combine(dir, "checkpoints"))[0];
            Assert.Equal(logged[^1], checkpoint);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir, "rollouts"), "*.inprogress"));
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
