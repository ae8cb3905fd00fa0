using System.Diagnostics;
using System.Text.Json;

namespace Pipeline.Bench.Parquet;

/// <summary>
/// The DuckDB side of the side-by-side run: a node process (tests/oracles/duckdb-bench-server.mjs)
/// that keeps the synthetic table in memory, so each timed call is one COPY or one scan.
/// </summary>
public sealed class DuckDbPeer : IDisposable
{
    private readonly Process _process;

    public DuckDbPeer()
    {
        string oracles = FindOracles();
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = oracles,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(oracles, "duckdb-bench-server.mjs"));
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node.");
    }

    /// <summary>Sends one command; returns the JSON reply (DuckDB's own timing in "ms").</summary>
    public JsonElement Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("DuckDB peer exited.");
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement.Clone();
        if (root.TryGetProperty("error", out var error)) throw new InvalidOperationException("DuckDB peer: " + error.GetString());
        return root;
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("quit");
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string FindOracles()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "oracles");
            if (File.Exists(Path.Combine(candidate, "duckdb-bench-server.mjs"))) return candidate;
        }
        // BenchmarkDotNet runs from a generated folder under bin/; fall back to the working directory.
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "oracles");
            if (File.Exists(Path.Combine(candidate, "duckdb-bench-server.mjs"))) return candidate;
        }
        throw new InvalidOperationException("tests/oracles/duckdb-bench-server.mjs not found; run from the repository.");
    }
}
