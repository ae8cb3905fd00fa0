using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Launchers;

/// <summary>
/// run.ps1 must offer what ./run offers. PowerShell is not installed here, so both files are
/// parsed and compared: the same verbs, each doing the same things with the same options and
/// passing the remaining arguments on, and the same verbs named in usage and header.
/// </summary>
public class LauncherParityTests
{
    private static readonly string Bash = File.ReadAllText(RepoRoot.Path("run"));
    private static readonly string PowerShell = File.ReadAllText(RepoRoot.Path("run.ps1"));

    /// <summary>Every difference between the launchers, one line each; empty when they agree.</summary>
    private static List<string> Differences(LauncherScript bash, LauncherScript ps)
    {
        var differences = new List<string>();
        foreach (var verb in bash.Verbs.Keys.Except(ps.Verbs.Keys)) differences.Add($"verb '{verb}' is in run only");
        foreach (var verb in ps.Verbs.Keys.Except(bash.Verbs.Keys)) differences.Add($"verb '{verb}' is in run.ps1 only");
        foreach (var verb in bash.Verbs.Keys.Intersect(ps.Verbs.Keys))
        {
            var onlyBash = bash.Verbs[verb].Except(ps.Verbs[verb]).Order().ToList();
            var onlyPs = ps.Verbs[verb].Except(bash.Verbs[verb]).Order().ToList();
            if (onlyBash.Count + onlyPs.Count > 0)
                differences.Add($"verb '{verb}': run only [{string.Join(", ", onlyBash)}], run.ps1 only [{string.Join(", ", onlyPs)}]");
        }

        if (!bash.UsageVerbs.SetEquals(ps.UsageVerbs)) differences.Add($"usage lines differ: run {{{string.Join('|', bash.UsageVerbs)}}}, run.ps1 {{{string.Join('|', ps.UsageVerbs)}}}");
        if (!bash.HeaderVerbs.SetEquals(ps.HeaderVerbs)) differences.Add($"header comments differ: run [{string.Join(", ", bash.HeaderVerbs)}], run.ps1 [{string.Join(", ", ps.HeaderVerbs)}]");
        return differences;
    }

    [Fact]
    public void BothLaunchersHaveTheSameVerbsDoingTheSameThings()
    {
        var bash = LauncherScript.ParseBash(Bash);
        var ps = LauncherScript.ParsePowerShell(PowerShell);
        Assert.Equal(["setup", "build", "test", "demo", "bench", "doctor", "help", "-h", "--help", LauncherScript.Fallback], bash.Verbs.Keys);
        // The comparison sees what matters: these facts are read out of both files alike.
        foreach (var script in new[] { bash, ps })
        {
            Assert.Superset(new HashSet<string> { "<setup>", "--quiet", "--for-tests", "<build>", "Pipeline.sln", "dotnet test", "tests/Pipeline.Tests.csproj", "--results-directory", ".build/test-results", "tests: N passed, N failed, N skipped", "<args>" }, script.Verbs["test"].ToHashSet());
            Assert.Superset(new HashSet<string> { "dotnet run", "--project", "<args>" }, script.Verbs["bench"].ToHashSet());
            Assert.Contains("cli doctor", script.Verbs["doctor"]);
            Assert.Contains("cli --help", script.Verbs["help"]);
        }

        var differences = Differences(bash, ps);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public void EachLauncherListsItsOwnVerbsInUsageAndHeader()
    {
        foreach (var script in new[] { LauncherScript.ParseBash(Bash), LauncherScript.ParsePowerShell(PowerShell) })
        {
            var own = script.Verbs.Keys.Except(["help", "-h", "--help", LauncherScript.Fallback]).ToHashSet();
            Assert.True(own.SetEquals(script.UsageVerbs), $"usage names [{string.Join(", ", script.UsageVerbs)}], the launcher has [{string.Join(", ", own)}]");
            Assert.True(own.SetEquals(script.HeaderVerbs), $"header names [{string.Join(", ", script.HeaderVerbs)}], the launcher has [{string.Join(", ", own)}]");
        }
    }

    [Fact]
    public void EveryVerbPassesItsRemainingArgumentsOn()
    {
        foreach (var script in new[] { LauncherScript.ParseBash(Bash), LauncherScript.ParsePowerShell(PowerShell) })
        {
            foreach (var (verb, facts) in script.Verbs.Where(v => v.Key is not ("help" or "-h" or "--help")))
                Assert.True(facts.Contains("<args>"), $"verb '{verb}' drops its arguments: [{string.Join(", ", facts)}]");
        }
    }

    [Fact]
    public void UnknownVerbsSuchAsSftGoToTheCliAfterSetup()
    {
        // A CLI verb (train, report, sft...) needs no launcher change: the fallback arm forwards it with its arguments.
        var expected = new[] { "<setup>", "--quiet", "<cli>", "cli $verb", "<args>" };
        Assert.Equal(expected.Order(), LauncherScript.ParseBash(Bash).Verbs[LauncherScript.Fallback].Order());
        Assert.Equal(expected.Order(), LauncherScript.ParsePowerShell(PowerShell).Verbs[LauncherScript.Fallback].Order());
    }

    [Fact]
    public void AVerbOrOptionChangedInOneLauncherOnlyIsCaught()
    {
        var ps = LauncherScript.ParsePowerShell(PowerShell);
        var sftInBashOnly = Bash.Replace("  demo)\n", "  sft)\n    setup --quiet && cli sft \"$@\" ;;\n  demo)\n", StringComparison.Ordinal);
        Assert.Contains("verb 'sft' is in run only", Differences(LauncherScript.ParseBash(sftInBashOnly), ps));

        var sftInPsOnly = PowerShell.Replace("    'demo'", "    'sft'    { Invoke-Setup @('--quiet'); Invoke-Checked dotnet (@($Cli, 'sft') + $rest) }\n    'demo'", StringComparison.Ordinal);
        Assert.Contains("verb 'sft' is in run.ps1 only", Differences(LauncherScript.ParseBash(Bash), LauncherScript.ParsePowerShell(sftInPsOnly)));

        var testWithoutOracles = PowerShell.Replace("Invoke-Setup @('--quiet', '--for-tests')", "Invoke-Setup @('--quiet')", StringComparison.Ordinal);
        Assert.Contains("verb 'test': run only [--for-tests], run.ps1 only []", Differences(LauncherScript.ParseBash(Bash), LauncherScript.ParsePowerShell(testWithoutOracles)));

        var demoDroppingArgs = Bash.Replace("cli demo \"$@\"", "cli demo", StringComparison.Ordinal);
        Assert.Contains("verb 'demo': run only [], run.ps1 only [<args>]", Differences(LauncherScript.ParseBash(demoDroppingArgs), ps));
    }
}
