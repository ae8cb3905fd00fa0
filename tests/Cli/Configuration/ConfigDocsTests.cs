using Pipeline.Cli.Configuration;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Configuration;

public class ConfigDocsTests
{
    private const string Regenerate = "docs/config.md is out of date with the code; regenerate it with `dotnet run --project pipeline -- config-docs --out docs/config.md` and commit it.";

    [Fact]
    public void TheCommittedPageMatchesTheCode()
    {
        var committed = File.ReadAllText(RepoRoot.Path("docs", "config.md")).ReplaceLineEndings("\n");
        Assert.True(committed == ConfigDocs.Render(), Regenerate);
    }

    [Fact]
    public void EveryOptionHasADescriptionAndEveryDescriptionAnOption()
    {
        var keys = ConfigDocs.Keys().ToHashSet();
        var undocumented = keys.Where(k => !ConfigDescriptions.All.ContainsKey(k)).ToList();
        var stale = ConfigDescriptions.All.Keys.Where(k => !keys.Contains(k)).ToList();
        Assert.True(undocumented.Count == 0, "add to ConfigDescriptions: " + string.Join(", ", undocumented));
        Assert.True(stale.Count == 0, "no such option, remove from ConfigDescriptions: " + string.Join(", ", stale));
    }

    [Fact]
    public void ThePageShowsTheDefaultsTheCodeUses()
    {
        var page = ConfigDocs.Render();
        Assert.Contains("| `algorithm.clip_high` | number | `0.2` |", page);
        Assert.Contains("| `training.schedule` | string | `\"constant\"` |", page);
        Assert.Contains("| `algorithm.clip_c` | number or null | `3` |", page);
        Assert.Contains("| `rewards.weight` | number | `1` |", page);
        Assert.Contains("| `algorithm.token_budget.shape` | linear \\| cosine \\| exponential \\| step | `\"linear\"` |", page);
    }
}
