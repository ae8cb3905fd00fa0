using System.Text.Json;
using Pipeline.Cli.Configuration;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Sampling;

namespace Pipeline.Tests.Stages.Sampling;

public class CheckpointedStatisticsTests
{
    [Fact]
    public void StatisticsRoundTripThroughTheCheckpointFormatAndOldFilesStillLoad()
    {
        var s = SamplerRegistry.Create(SamplingPool.Of(3), 1, new SamplerOptions { Name = "cures" });
        s.Record("p0", 4, 1, 1, 40);
        s.Record("p0", 4, 2, 2, 20);
        s.Record("p1", 6, 6, 2, 12);
        var json = JsonSerializer.Serialize(s.StatisticsThrough(2).ToDictionary(p => p.Key, p => p.Value), ConfigJson.Options);
        var restored = SamplerRegistry.Create(SamplingPool.Of(3), 1, new SamplerOptions { Name = "cures" });
        restored.Restore(JsonSerializer.Deserialize<Dictionary<string, PromptStatistics>>(json, ConfigJson.Options)!);
        Assert.Equal(new PromptStatistics(8, 3, 2, 60), restored.Statistics["p0"]);
        Assert.Equal(new PromptStatistics(6, 6, 2, 12), restored.Statistics["p1"]);
        Assert.Equal(((CuresSampler)s).Probabilities(3), ((CuresSampler)restored).Probabilities(3));

        // sampler.json as written before completion lengths were kept.
        const string old = """{ "p0": { "attempts": 4, "successes": 1, "last_step": 3, "pass_rate": 0.25 } }""";
        var legacy = JsonSerializer.Deserialize<Dictionary<string, PromptStatistics>>(old, ConfigJson.Options)!;
        Assert.Equal(new PromptStatistics(4, 1, 3, 0), legacy["p0"]);
    }
}
