using BenchmarkDotNet.Attributes;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Rollouts;

namespace Pipeline.Bench.Parquet;

/// <summary>
/// Writes and reads 100k rollouts (256 completion + 128 prompt tokens each) through the rollout log,
/// side by side with DuckDB writing (COPY) and scanning the same rows. One step = 1000 rollouts =
/// one row group. DuckDB's times are the COPY/scan alone (its table is already in memory).
/// </summary>
[MemoryDiagnoser]
public class RolloutLogBenchmarks
{
    [Params(100_000)]
    public int Rollouts { get; set; }

    private const int CompletionTokens = 256;
    private const int PromptTokens = 128;

    private List<RolloutRecord>[] _steps = [];
    private DuckDbPeer? _duck;
    private string _dir = "";
    private string _readDir = "";
    private string _duckFile = "";

    // Each benchmark runs in its own process: set up only what it needs.
    [GlobalSetup(Targets = [nameof(OursWriteSnappy), nameof(OursWriteSnappyDurable), nameof(OursWriteGzip)])]
    public void SetupOursWrite()
    {
        _dir = Path.Combine(Path.GetTempPath(), "pq-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_dir);
        _steps = SyntheticRollouts.Steps(Rollouts, CompletionTokens, PromptTokens);
    }

    [GlobalSetup(Target = nameof(OursReplay))]
    public void SetupOursRead()
    {
        SetupOursWrite();
        _readDir = Path.Combine(_dir, "read");
        long bytes = WriteLog(_readDir, durable: false);
        Console.WriteLine($"// ours: {bytes} bytes for {Rollouts} rollouts (snappy)");
        _steps = [];
    }

    [GlobalSetup(Targets = [nameof(DuckDbCopySnappy), nameof(DuckDbCopyGzip), nameof(DuckDbRead)])]
    public void SetupDuckDb()
    {
        _dir = Path.Combine(Path.GetTempPath(), "pq-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_dir);
        _duck = new DuckDbPeer();
        _duck.Send($"setup {Rollouts} {CompletionTokens} {PromptTokens}");
        _duckFile = Path.Combine(_dir, "duck-read.parquet");
        long bytes = _duck.Send($"copy {_duckFile} snappy").GetProperty("bytes").GetInt64();
        Console.WriteLine($"// DuckDB: {bytes} bytes for {Rollouts} rollouts (snappy)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _duck?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private long WriteLog(string dir, bool durable, CompressionCodec codec = CompressionCodec.Snappy)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        using var log = RolloutLogWriter.Open(new RolloutLogOptions { Directory = dir, RollEverySteps = 1000, DurableSteps = durable, Compression = codec });
        for (int s = 0; s < _steps.Length; s++) log.WriteStep(s, _steps[s]);
        log.Dispose();
        return new FileInfo(log.CompletedFiles[0]).Length;
    }

    [Benchmark(Baseline = true, Description = "DuckDB COPY (snappy)")]
    public double DuckDbCopySnappy() => _duck!.Send($"copy {Path.Combine(_dir, "duck.parquet")} snappy").GetProperty("ms").GetDouble();

    [Benchmark(Description = "ours: rollout log (snappy)")]
    public long OursWriteSnappy() => WriteLog(Path.Combine(_dir, "w"), durable: false);

    [Benchmark(Description = "ours: rollout log (snappy, fsync/step)")]
    public long OursWriteSnappyDurable() => WriteLog(Path.Combine(_dir, "wd"), durable: true);

    [Benchmark(Description = "DuckDB COPY (gzip)")]
    public double DuckDbCopyGzip() => _duck!.Send($"copy {Path.Combine(_dir, "duck-gz.parquet")} gzip").GetProperty("ms").GetDouble();

    [Benchmark(Description = "ours: rollout log (gzip)")]
    public long OursWriteGzip() => WriteLog(Path.Combine(_dir, "wg"), durable: false, CompressionCodec.Gzip);

    [Benchmark(Description = "ours: replay all (no text)")]
    public long OursReplay()
    {
        long tokens = 0;
        foreach (var r in new ReplayReader(_readDir).Read(new ReplayFilter { IncludeText = false })) tokens += r.CompletionTokenIds.Length;
        return tokens;
    }

    [Benchmark(Description = "DuckDB scan tokens+logprobs")]
    public double DuckDbRead() => _duck!.Send($"read {_duckFile}").GetProperty("ms").GetDouble();
}
