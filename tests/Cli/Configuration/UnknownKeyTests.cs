using Pipeline.Cli.Configuration;

namespace Pipeline.Tests.Cli.Configuration;

public class UnknownKeyTests
{
    private static ConfigException LoadError(string json, params string[] overrides)
    {
        var path = Path.Combine(Path.GetTempPath(), $"run-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            return Assert.Throws<ConfigException>(() => RunConfigLoader.Load(path, overrides));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMisspeltKeySuggestsTheClosestNameWithFileLineAndSection()
    {
        var e = LoadError("{\n  \"algorithm\": {\n    \"clip_low\": 0.2,\n    \"clip_hihg\": 0.3\n  }\n}\n");
        Assert.Matches(@"run-[0-9a-f]+\.json:4: unknown key 'clip_hihg' at algorithm; did you mean 'clip_high'\?", e.Message);
    }

    [Fact]
    public void TopLevelAndNestedSectionsAreNamed()
    {
        Assert.Contains("unknown key 'seeed' at the top level; did you mean 'seed'?", LoadError("{ \"seeed\": 3 }").Message);
        Assert.Contains("unknown key 'batch_capacty' at pipeline; did you mean 'batch_capacity'?", LoadError("{ \"pipeline\": { \"batch_capacty\": 3 } }").Message);
        Assert.Contains("unknown key 'weigth' at rewards; did you mean 'weight'?", LoadError("{ \"rewards\": [ { \"name\": \"answer\", \"weigth\": 1 } ] }").Message);
    }

    [Fact]
    public void OverridesGetTheSameSuggestion()
    {
        var e = LoadError("{ \"training\": { \"steps\": 2 } }", "training.stesp=3");
        Assert.Contains("--set training.stesp=3", e.Message);
        Assert.Contains("unknown key 'stesp' at training; did you mean 'steps'?", e.Message);
    }

    [Fact]
    public void AKeyFarFromEveryNameListsTheValidOnes()
    {
        var e = LoadError("{ \"generation\": { \"completely_unrelated_thing\": 1 } }");
        Assert.Contains("unknown key 'completely_unrelated_thing' at generation; valid keys: temperature, top_k, top_p, max_new_tokens.", e.Message);
    }

    [Theory]
    [InlineData("clip_hihg", "clip_high", 1)]
    [InlineData("steps", "steps", 0)]
    [InlineData("kl_coef", "kl_coeff", 1)]
    [InlineData("abc", "xyz", 3)]
    public void DistanceCountsEditsAndSwaps(string a, string b, int expected) => Assert.Equal(expected, ClosestName.Distance(a, b));
}
