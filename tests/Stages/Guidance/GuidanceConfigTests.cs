using Pipeline.Cli.Configuration;
using Pipeline.Stages.Guidance;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Stages.Guidance;

public class GuidanceConfigTests
{
    private static RunConfig Guided => RunConfigLoader.Load(RepoRoot.Path("configs", "guided.json"), []);

    [Fact]
    public void ThePresetIsValidAndGuidesWithSolutionPrefixesAndSft()
    {
        var config = Guided;
        Assert.Empty(config.Validate());
        Assert.True(config.Algorithm.GuideUnsolved);
        Assert.Equal(("solution_prefix", "sft"), (config.Guidance.Source, config.Guidance.Treatment));
    }

    [Fact]
    public void SftWithoutAnSftCoefficientIsRejected()
    {
        var config = Guided with { Algorithm = Guided.Algorithm with { SftCoef = 0 } };
        Assert.Contains(config.Validate(), e => e.Contains("guidance.treatment: sft", StringComparison.Ordinal) && e.Contains("algorithm.sft_coef", StringComparison.Ordinal));
    }

    [Fact]
    public void BadGuidanceAndReplaySettingsNameTheirFields()
    {
        var config = Guided with
        {
            Guidance = new GuidanceOptions { Source = "teacher", PrefixStep = 0 },
            Replay = new ReplayOptions { Share = 2, IsCap = 0.5, MaxPassRate = -1 },
        };
        var errors = config.Validate();
        Assert.Contains(errors, e => e.StartsWith("guidance.source: unknown guidance source 'teacher'; valid names: expo, solution_prefix, tiered.", StringComparison.Ordinal));
        foreach (var field in new[] { "guidance.prefix_step", "replay.share", "replay.is_cap", "replay.max_pass_rate" })
            Assert.Contains(errors, e => e.StartsWith(field + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigKeysLoadFromJsonOverrides()
    {
        var config = RunConfigLoader.Load(RepoRoot.Path("configs", "guided.json"),
            ["guidance.source=expo", "guidance.treatment=importance", "guidance.keep_failures=true", "replay.share=0.25", "replay.is_cap=3"]);
        Assert.Equal(new GuidanceOptions { Source = "expo", Treatment = "importance", KeepFailures = true }, config.Guidance);
        Assert.Equal(0.25, config.Replay.Share);
        Assert.Equal(3, config.Replay.IsCap);
    }
}
