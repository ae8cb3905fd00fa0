using System.Diagnostics;
using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Tests.Data.Parquet;

/// <summary>
/// Byte flips and truncations of valid files (ours and DuckDB's) must either read or raise a
/// <see cref="ParquetException"/>: never another exception type, a hang, or a huge allocation.
/// </summary>
public class ParquetFuzzTests
{
    // PIPELINE_FUZZ_ITERATIONS / PIPELINE_FUZZ_SEED run a longer or different campaign locally.
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("PIPELINE_FUZZ_ITERATIONS"), out int n) ? n : 4000;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("PIPELINE_FUZZ_SEED"), out int s) ? s : 20261122;
    private const long MaxBytesPerRead = 64L << 20;

    [Fact]
    public void Mutated_and_truncated_files_fail_cleanly()
    {
        var seeds = ValidFiles();
        var failures = new List<string>();
        int ok = 0, rejected = 0;
        var worker = new Thread(() =>
        {
            var rng = new Random(Seed);
            for (int i = 0; i < Iterations && failures.Count < 5; i++)
            {
                var (name, original) = seeds[i % seeds.Count];
                byte[] mutated = Mutate(original, rng, out string how);
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    ReadEverything(mutated);
                    ok++;
                }
                catch (ParquetException)
                {
                    rejected++;
                }
                catch (Exception e)
                {
                    failures.Add($"#{i} {name} {how}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated > MaxBytesPerRead) failures.Add($"#{i} {name} {how}: allocated {allocated >> 20} MiB for a {mutated.Length}-byte file");
            }
        }, 16 << 20);
        var clock = Stopwatch.StartNew();
        worker.Start();
        bool finished = worker.Join(TimeSpan.FromSeconds(Math.Max(60, Iterations / 50)));
        Assert.True(finished, $"fuzzing did not finish in 60 s (a hang?) after {ok + rejected} files");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        // Both outcomes must occur, or the mutations are not reaching the decoder.
        Assert.True(rejected > Iterations / 4 && ok > 10, $"{ok} read, {rejected} rejected");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(Math.Max(30, Iterations / 100)), $"fuzzing took {clock.Elapsed}");
        Console.WriteLine($"fuzz: {ok} read, {rejected} rejected in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static void ReadEverything(byte[] bytes)
    {
        using var reader = new ParquetFileReader(new MemoryStream(bytes), new ParquetReadOptions { MaxValuesPerPage = 1 << 22 });
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            for (int c = 0; c < reader.Schema.Columns.Count; c++) reader.ReadColumn(g, c);
        }
        foreach (var row in reader.ReadRows(reader.Schema.Columns.Select(c => c.DottedPath).ToList())) GC.KeepAlive(row);
    }

    private static byte[] Mutate(byte[] original, Random rng, out string how)
    {
        var bytes = (byte[])original.Clone();
        int kind = rng.Next(4);
        if (kind == 0)
        {
            int len = rng.Next(0, bytes.Length);
            how = $"truncated to {len}";
            return bytes[..len];
        }
        int flips = 1 + rng.Next(4);
        var where = new List<int>();
        for (int f = 0; f < flips; f++)
        {
            // Half the flips land in the footer, where one byte changes the most structure.
            int footer = Math.Max(12, Math.Min(bytes.Length, 4096));
            int pos = rng.Next(2) == 0 ? bytes.Length - 1 - rng.Next(footer) : rng.Next(bytes.Length);
            bytes[pos] ^= (byte)(1 << rng.Next(8));
            if (kind == 3) bytes[pos] = (byte)rng.Next(256);
            where.Add(pos);
        }
        how = $"bytes changed at {string.Join(',', where)}";
        if (kind == 2)
        {
            int cut = rng.Next(bytes.Length / 2, bytes.Length);
            how += $", truncated to {cut}";
            return bytes[..cut];
        }
        return bytes;
    }

    private static List<(string, byte[])> ValidFiles()
    {
        var files = new List<(string, byte[])>();
        var table = new SampleTable(120, seed: 9);
        foreach (var codec in new[] { CompressionCodec.Snappy, CompressionCodec.Gzip, CompressionCodec.Uncompressed })
        {
            using var ms = new MemoryStream();
            table.Write(ms, new ParquetWriteOptions { Compression = codec, DataPageSize = 1024 }, rowGroupSize: 50);
            files.Add(($"ours-{codec}", ms.ToArray()));
        }
        Assert.True(DuckDbJson.Available, "tests/oracles/node_modules is missing: run `./run setup` (npm ci in tests/oracles).");
        using var dir = new TempDir();
        string v1 = dir.File("v1.parquet"), v2 = dir.File("v2.parquet");
        const string select = "select i, 'c' || (i % 5) as s, case when i % 3 = 0 then null else [i, i * 2] end as l, [[i], []] as n, i * 0.5 as d from range(0, 200) t(i)";
        DuckDbJson.Query($"copy ({select}) to {DuckDbJson.Quote(v1)} (FORMAT parquet, ROW_GROUP_SIZE 100);; " +
                         $"copy ({select}) to {DuckDbJson.Quote(v2)} (FORMAT parquet, PARQUET_VERSION v2, ROW_GROUP_SIZE 100);; select 1");
        files.Add(("duckdb-v1", File.ReadAllBytes(v1)));
        files.Add(("duckdb-v2", File.ReadAllBytes(v2)));
        foreach (var (name, bytes) in files) ReadEverything(bytes);
        return files;
    }
}
