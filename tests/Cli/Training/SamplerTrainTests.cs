using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Cli.Configuration;
using Pipeline.Data.Rollouts;
using Pipeline.Stages.Graph;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Training;

/// <summary>The tiny config trained with each prompt sampler and per-prompt group sizes.</summary>
[Collection(nameof(TrainCommandTests))]
public class SamplerTrainTests
{
    private static string Config => RepoRoot.Path("configs", "tiny_arithmetic.json");

    private static List<RolloutRecord> Rows(string runDir) => [.. new ReplayReader(Path.Combine(runDir, "rollouts")).Read()];

    private static Dictionary<string, PromptStatistics> Checkpointed(string runDir, int step) =>
        JsonSerializer.Deserialize<Dictionary<string, PromptStatistics>>(
            File.ReadAllText(Path.Combine(runDir, "checkpoints", step.ToString(), "sampler.json")), ConfigJson.Options)!;

    [Theory]
    [InlineData("uniform")]
    [InlineData("pass_rate_window")]
    [InlineData("cures")]
    public void EachSamplerTrainsWithGroupSizesWithinTheBudgetAndCheckpointsItsStatistics(string sampler)
    {
        var runs = Directory.CreateTempSubdirectory("pipeline-sampler-").FullName;
        try
        {
            Assert.Equal(0, TrainCommand.Run(Config, false, [$"runs_dir={runs}", "training.steps=3", "training.checkpoint_every=3",
                $"sampler.name={sampler}", "sampler.min_group_size=2", "sampler.max_group_size=6", "sampler.explore=0.5", "task.pool_size=6"]));
            var dir = Path.Combine(runs, "tiny_arithmetic");
            var rows = Rows(dir);
            Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Step).Distinct().Order());
            var trained = rows.Where(r => r.FilterDecision == Fate.Trained).GroupBy(r => r.GroupId).ToList();
            Assert.All(trained, g => Assert.InRange(g.Count(), 2, 6));
            Assert.All(trained.GroupBy(g => g.First().Step), step => Assert.Equal(4, step.Count()));
            // A small pool makes prompts repeat, and an untrained model almost never answers, so
            // repeated prompts' posteriors fall below 0.5 and their groups shrink from the prior's 6.
            Assert.True(trained.Select(g => g.Count()).Distinct().Count() > 1, string.Join(",", trained.Select(g => g.Count())));

            var stats = Checkpointed(dir, 3);
            var scored = rows.Where(r => r.FilterDecision != Fate.Failed).GroupBy(r => r.PromptId).ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(scored.Keys.Order(), stats.Keys.Order());
            foreach (var (id, list) in scored)
            {
                Assert.Equal(list.Count, stats[id].Attempts);
                Assert.Equal(list.Sum(r => (long)r.CompletionTokenIds.Length), stats[id].CompletionTokens);
                Assert.Equal(list.Max(r => r.Step), stats[id].LastStep);
            }
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [Fact]
    public void ASyncCuresRunWithASplitStepBudgetResumesBitIdentically()
    {
        var runs = Directory.CreateTempSubdirectory("pipeline-sampler-").FullName;
        try
        {
            string[] common = [$"runs_dir={runs}", "training.checkpoint_every=2", "generation.max_new_tokens=8",
                "sampler.name=cures", "sampler.min_group_size=2", "sampler.max_group_size=6", "sampler.step_rollouts=14",
                "rewards=[{\"name\":\"answer\",\"weight\":1.0},{\"name\":\"length_penalty\",\"weight\":1.0}]"];
            Assert.Equal(0, TrainCommand.Run(Config, false, [.. common, "name=straight", "training.steps=4"]));
            Assert.Equal(0, TrainCommand.Run(Config, false, [.. common, "name=resumed", "training.steps=2"]));
            Assert.Equal(0, TrainCommand.Run(Config, true, [.. common, "name=resumed", "training.steps=4"]));
            byte[] Weights(string name, int step) => File.ReadAllBytes(Path.Combine(runs, name, "checkpoints", step.ToString(), "weights.safetensors"));
            Assert.Equal(Weights("straight", 4), Weights("resumed", 4));
            static List<(long, string, int, string)> Log(string dir) => [.. Rows(dir).Select(r => (r.Step, r.PromptId, r.SampleIndex, r.CompletionText))];
            Assert.Equal(Log(Path.Combine(runs, "straight")), Log(Path.Combine(runs, "resumed")));
            Assert.All(Rows(Path.Combine(runs, "resumed")).Where(r => r.FilterDecision == Fate.Trained).GroupBy(r => r.Step), s => Assert.Equal(14, s.Count()));
            Assert.Equal(Checkpointed(Path.Combine(runs, "straight"), 4).OrderBy(p => p.Key), Checkpointed(Path.Combine(runs, "resumed"), 4).OrderBy(p => p.Key));
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
