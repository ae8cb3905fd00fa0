using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Cli.Configuration;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Configuration;

public class RunConfigTests
{
    /// <summary>A file of configs/ is a run config when it has a model section.</summary>
    public static bool IsRunConfig(string path) =>
        JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) is JsonObject o
        && o.ContainsKey("model");

    private static string Temp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"run-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void TheTinyArithmeticConfigIsCompleteAndValid()
    {
        var path = RepoRoot.Path("configs", "tiny_arithmetic.json");
        Assert.True(IsRunConfig(path));
        var config = RunConfigLoader.Load(path, []);
        Assert.Equal("tiny", config.Model.Type);
        Assert.Equal("arithmetic", config.Task.Name);
        Assert.Equal("grpo", config.Algorithm.Advantage);
        Assert.Empty(config.Validate());
    }

    [Fact]
    public void EveryPresetLoadsAsAPartialRunConfig()
    {
        foreach (var file in Directory.EnumerateFiles(RepoRoot.Path("configs"), "*.json").Where(f => !IsRunConfig(f)))
        {
            var config = ConfigJson.Read<RunConfig>(file);
            var preset = ConfigJson.Read<AlgorithmPreset>(file);
            Assert.Equal(preset.Algorithm, config.Algorithm);
            Assert.Equal(preset.Rewards, config.Rewards);
            Assert.Empty(config.Validate());
        }
    }

    [Fact]
    public void SetOverridesDottedKeysWithTypedValues()
    {
        var path = RepoRoot.Path("configs", "tiny_arithmetic.json");
        var config = RunConfigLoader.Load(path, ["training.steps=3", "training.mode=async", "training.max_staleness=2", "name=other", "algorithm.clip_high=0.28", "pipeline.verify_parallelism=1"]);
        Assert.Equal(3, config.Training.Steps);
        Assert.Equal("async", config.Training.Mode);
        Assert.Equal(2, config.EffectiveMaxStaleness);
        Assert.Equal("other", config.Name);
        Assert.Equal(0.28, config.Algorithm.ClipHigh);
        Assert.Equal(1, config.Pipeline.VerifyParallelism);
    }

    [Fact]
    public void UnknownKeysNameTheFileLineAndField()
    {
        var path = Temp("{\n  \"name\": \"x\",\n  \"training\": {\n    \"stpes\": 3\n  }\n}\n");
        try
        {
            var e = Assert.Throws<ConfigException>(() => RunConfigLoader.Load(path, []));
            Assert.Contains(path + ":4", e.Message);
            Assert.Contains("stpes", e.Message);
            var s = Assert.Throws<ConfigException>(() => RunConfigLoader.Load(path.Replace("run-", "run-"), ["training.stpes=3"]));
            Assert.Contains("stpes", s.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ValidationNamesEveryBadFieldIncludingCrossFieldRules()
    {
        var config = new RunConfig
        {
            Model = new ModelSection { Type = "llama7" },
            Task = new TaskSection { GroupSize = 1, Difficulty = 99, PromptStyle = "short" },
            Rewards = [new RewardWeight("answr", 1)],
            Training = new TrainingSection { Mode = "fast", MicroBatchSize = 0, Schedule = "step" },
            Pipeline = new PipelineSection { VerifyParallelism = 8, VerifyCapacity = 4 },
        };
        var errors = config.Validate();
        Assert.Contains(errors, e => e.StartsWith("model.type", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("task.group_size", StringComparison.Ordinal) && e.Contains("grpo"));
        Assert.Contains(errors, e => e.StartsWith("task.difficulty", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("task.prompt_style", StringComparison.Ordinal) && e.Contains("full, terse"));
        Assert.Contains(errors, e => e.StartsWith("rewards[0].name", StringComparison.Ordinal) && e.Contains("answer"));
        Assert.Contains(errors, e => e.StartsWith("training.mode", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("training.micro_batch_size", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("training.schedule", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("pipeline.verify.capacity", StringComparison.Ordinal));
        Assert.Empty(new RunConfig().Validate());
        Assert.Contains(new RunConfig { Sft = new SftSection { AnswerNoise = 1 } }.Validate(), e => e.StartsWith("sft.answer_noise", StringComparison.Ordinal));
        Assert.Contains(new RunConfig { Training = new TrainingSection { Mode = "async", MaxStaleness = 0 } }.Validate(), e => e.StartsWith("training.max_staleness", StringComparison.Ordinal));
    }
}
