using System.Diagnostics;

namespace Pipeline.Tests.TestSupport;

/// <summary>Runs the Node scripts in tests/oracles, which wrap independent implementations
/// (Hugging Face tokenizers) that our code is compared against.</summary>
public static class NodeOracle
{
    /// <summary>The repository's tests/oracles folder, found by walking up from the test binaries.</summary>
    public static string OraclesDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "oracles");
                if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
            }
            throw new InvalidOperationException($"tests/oracles not found above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Fails with the fix when an npm package the oracle needs is not installed.</summary>
    public static void RequirePackage(string package)
    {
        var dir = Path.Combine(OraclesDirectory, "node_modules", package);
        if (!Directory.Exists(dir))
            throw new InvalidOperationException(
                $"The oracle package {package} is not installed in {OraclesDirectory}: run './run setup' (or 'npm install' there).");
    }

    /// <summary>Runs <c>node script args</c> in tests/oracles and returns its standard output;
    /// a non-zero exit throws with the script's standard error.</summary>
    public static string Run(string script, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = OraclesDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(OraclesDirectory, script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within {timeout}.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"node {script} exited with {process.ExitCode}:\n{stderr.Result}");
        return stdout.Result;
    }
}
