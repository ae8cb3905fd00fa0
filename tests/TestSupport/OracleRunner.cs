using System.Diagnostics;

namespace Pipeline.Tests.TestSupport;

/// <summary>
/// Runs a node script from tests/oracles (independent reference implementations such as DuckDB) and
/// returns its standard output. The oracles folder is found by walking up from the test binaries.
/// </summary>
public static class OracleRunner
{
    private static readonly Lazy<string> Folder = new(FindFolder);

    public static string OraclesFolder => Folder.Value;

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

    private static string FindFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "oracles");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
            dir = dir.Parent;
        }
        throw new InvalidOperationException($"No tests/oracles folder above {AppContext.BaseDirectory}.");
    }

    /// <summary>Whether the node packages are installed (`./run setup` installs them).</summary>
    public static bool HasPackage(string package) =>
        Directory.Exists(Path.Combine(OraclesFolder, "node_modules", package));
}
