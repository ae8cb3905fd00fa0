using System.Text.RegularExpressions;
using Pipeline.Cli.Configuration;
using Pipeline.Data.Verifiers;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Configuration;

public class PresetTests
{
    private static readonly string[] Required = ["grpo", "dr_grpo", "dapo", "gspo", "cispo", "ngrpo", "rloo", "reinforce_pp", "gtpo", "tempo", "grpo_lambda"];

    public static TheoryData<string> Presets()
    {
        var data = new TheoryData<string>();
        // Full run configs (a model section around the preset's two) are checked by RunConfigTests.
        foreach (var file in Directory.EnumerateFiles(RepoRoot.Path("configs"), "*.json").Order(StringComparer.Ordinal).Where(f => !RunConfigTests.IsRunConfig(f)))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Fact]
    public void EveryRequiredPresetExists() =>
        Assert.All(Required, name => Assert.True(File.Exists(RepoRoot.Path("configs", name + ".json")), $"configs/{name}.json is missing"));

    [Theory]
    [MemberData(nameof(Presets))]
    public void PresetIsValidAndBuildsItsComponents(string name)
    {
        var preset = ConfigJson.Read<AlgorithmPreset>(RepoRoot.Path("configs", name + ".json"));
        Assert.Empty(preset.Algorithm.Validate());
        Assert.NotNull(preset.Algorithm.CreateEstimator());
        Assert.NotNull(preset.Algorithm.CreateObjective());
        Assert.NotNull(preset.Algorithm.CreateGroupFilter());
        Assert.NotNull(preset.Algorithm.CreateTokenCredit());
        Assert.NotEmpty(preset.Rewards);
        var composite = VerifierRegistry.CreateDefault().CreateComposite(name, preset.Rewards.Select(r => (r.Name, r.Weight)));
        Assert.NotNull(composite);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void PresetStatesThePaperItFollowsAtItsTop(string name)
    {
        var header = string.Join(' ', File.ReadLines(RepoRoot.Path("configs", name + ".json")).TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal)));
        Assert.NotEmpty(header);
        Assert.Matches(new Regex(@"20\d\d"), header);
    }

    [Fact]
    public void UnknownKeysAndNamesAreRejectedNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"preset-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{\n  \"algorithm\": {\n    \"clip_hihg\": 0.3\n  }\n}\n");
            var e = Assert.Throws<ConfigException>(() => ConfigJson.Read<AlgorithmPreset>(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("clip_hihg", e.Message);

            File.WriteAllText(path, "{ \"algorithm\": { \"advantage\": \"gae\" } }");
            var errors = ConfigJson.Read<AlgorithmPreset>(path).Algorithm.Validate();
            Assert.Contains(errors, m => m.Contains("algorithm.advantage") && m.Contains("valid names: dr_grpo, grpo"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
