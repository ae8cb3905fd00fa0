using System.Diagnostics;

namespace Pipeline.Tests.TestSupport;

/// <summary>
/// Runs a node script from tests/oracles (independent reference implementations such as DuckDB) and
/// returns its standard output.
/// </summary>
public static class OracleRunner
{
    public static string OraclesFolder => RepoRoot.Path("tests", "oracles");

    /// <summary>Runs <c>node script args...</c> in the oracles folder; throws with stderr if it fails.</summary>
    public static string Run(string script, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = OraclesFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(OraclesFolder, script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Oracle {script} did not finish within {limit}.");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Oracle {script} failed with exit code {process.ExitCode}:\n{stderr.Result}\n{stdout.Result}");
        return stdout.Result;
    }

    public static string Run(string script, params string[] args) => Run(script, (IEnumerable<string>)args);

    /// <summary>Whether the node packages are installed (`./run setup` installs them).</summary>
    public static bool HasPackage(string package) =>
        Directory.Exists(Path.Combine(OraclesFolder, "node_modules", package));

    /// <summary>Fails with the fix when an npm package an oracle needs is not installed.</summary>
    public static void RequirePackage(string package)
    {
        if (!HasPackage(package))
        {
            throw new InvalidOperationException(
                $"The oracle package {package} is not installed in {OraclesFolder}: run './run setup' (or 'npm install' there).");
        }
    }
}
