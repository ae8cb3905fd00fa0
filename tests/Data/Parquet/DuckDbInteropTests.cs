using System.Text.Json;
using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Tests.Data.Parquet;

/// <summary>
/// DuckDB is the independent reference: it must read every value we write, and we must read what
/// it writes with its defaults (dictionaries, snappy, nested lists) and its other codecs/versions.
/// </summary>
public class DuckDbInteropTests
{
    [Theory]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Gzip)]
    [InlineData(CompressionCodec.Uncompressed)]
    public void DuckDB_reads_our_files_with_identical_values(CompressionCodec codec)
    {
        Assert.True(DuckDbJson.Available, "tests/oracles/node_modules is missing: run `./run setup` (npm ci in tests/oracles).");
        using var dir = new TempDir();
        string path = dir.File("ours.parquet");
        var table = new SampleTable(1200, seed: 11);
        using (var fs = File.Create(path)) table.Write(fs, new ParquetWriteOptions { Compression = codec, DataPageSize = 8192 }, rowGroupSize: 500);

        // Timestamps are compared as epoch microseconds; the rest as DuckDB renders them.
        string select = string.Join(", ", SampleTable.Names.Select(n => n == "ts" ? "epoch_us(ts) as ts" : n));
        var result = DuckDbJson.Query($"select {select} from read_parquet({DuckDbJson.Quote(path)})");
        var types = result.GetProperty("types").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal<string>(
            ["BOOLEAN", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "VARCHAR", "VARCHAR", "BIGINT", "TINYINT", "UINTEGER", "INTEGER[]", "FLOAT[]", "VARCHAR[]", "DOUBLE[]", "BIGINT[]"],
            types);
        var rows = result.GetProperty("rows");
        Assert.Equal(table.Rows.Length, rows.GetArrayLength());
        for (int r = 0; r < table.Rows.Length; r++)
        {
            var duckRow = rows[r];
            for (int c = 0; c < SampleTable.Names.Length; c++)
            {
                DuckDbJson.AssertSame(table.Rows[r][c], duckRow.GetProperty(SampleTable.Names[c]), $"row {r} {SampleTable.Names[c]}");
            }
        }

        // DuckDB must see our statistics, and row-group pruning based on them must not lose rows.
        var stats = DuckDbJson.Query(
            $"select stats_min_value as lo, stats_max_value as hi, stats_null_count as nulls from parquet_metadata({DuckDbJson.Quote(path)}) " +
            "where path_in_schema = 'i32' and row_group_id = 0").GetProperty("rows")[0];
        var first = table.Rows.Take(500).Where(r => r[1] is not null).Select(r => (int)r[1]!).ToList();
        Assert.Equal(first.Min().ToString(System.Globalization.CultureInfo.InvariantCulture), stats.GetProperty("lo").GetString());
        Assert.Equal(first.Max().ToString(System.Globalization.CultureInfo.InvariantCulture), stats.GetProperty("hi").GetString());
        Assert.Equal(table.Rows.Take(500).Count(r => r[1] is null), DuckDbJson.Integer(stats.GetProperty("nulls")));
        var filtered = DuckDbJson.Query($"select count(*) as n from read_parquet({DuckDbJson.Quote(path)}) where i64 > 0");
        Assert.Equal(table.Rows.Count(r => (long)r[2]! > 0), DuckDbJson.Integer(filtered.GetProperty("rows")[0].GetProperty("n")));
    }

    private const string DuckSelect = """
        select
          i::int as i32,
          i::bigint * 1000000007 as i64,
          (i % 7 = 0) as b,
          case when i % 5 = 0 then null else i * 0.5 end::double as d,
          (i * 0.25)::float as f,
          'cat' || (i % 10) as s_dict,
          md5(i::varchar) as s_plain,
          case when i % 3 = 0 then null else [i, i + 1, null] end as li,
          [[i], [i + 1, i + 2], []] as nested,
          case when i % 4 = 1 then [] else ['x' || i, null] end as ls,
          TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1001) as ts,
          (i % 100)::tinyint as i8,
          (i % 250)::utinyint as u8,
          (i * 3)::ubigint as u64,
          DATE '2024-01-01' + (i % 400)::int as dt
        from range(0, 3000) t(i)
        """;

    private const string DuckExpected = """
        select i32, i64, b, d, f, s_dict, s_plain, li, nested, ls, epoch_us(ts) as ts, i8, u8, u64, dt::varchar as dt
        """;

    [Theory]
    [InlineData("")]
    [InlineData(", COMPRESSION snappy")]
    [InlineData(", COMPRESSION gzip")]
    [InlineData(", COMPRESSION uncompressed")]
    [InlineData(", COMPRESSION snappy, PARQUET_VERSION v2")]
    [InlineData(", COMPRESSION uncompressed, PARQUET_VERSION v2")]
    public void We_read_files_DuckDB_writes(string copyOptions)
    {
        Assert.True(DuckDbJson.Available, "tests/oracles/node_modules is missing: run `./run setup` (npm ci in tests/oracles).");
        using var dir = new TempDir();
        string path = dir.File("duck.parquet");
        var expected = DuckDbJson.Query(
            $"copy ({DuckSelect}) to {DuckDbJson.Quote(path)} (FORMAT parquet, ROW_GROUP_SIZE 1024{copyOptions});; " +
            $"{DuckExpected} from read_parquet({DuckDbJson.Quote(path)})");
        var columns = expected.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var duckRows = expected.GetProperty("rows");

        using var reader = ParquetFileReader.Open(path);
        Assert.True(reader.RowGroupCount >= 2, $"expected several row groups, got {reader.RowGroupCount}");
        var rows = reader.ReadRows(columns).ToList();
        Assert.Equal(duckRows.GetArrayLength(), rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < columns.Length; c++) DuckDbJson.AssertSame(rows[r][c], duckRows[r].GetProperty(columns[c]), $"row {r} {columns[c]}");
        }
        if (copyOptions.Length == 0)
        {
            // DuckDB's defaults: snappy and dictionary pages for the repetitive string column.
            var meta = reader.ColumnMetadata(0, reader.Schema.GetColumn("s_dict").Index);
            Assert.Equal(CompressionCodec.Snappy, meta.Codec);
            Assert.NotNull(meta.DictionaryPageOffset);
        }
    }

    [Fact]
    public void ZSTD_files_fail_with_an_error_naming_the_codec()
    {
        Assert.True(DuckDbJson.Available, "tests/oracles/node_modules is missing: run `./run setup` (npm ci in tests/oracles).");
        using var dir = new TempDir();
        string path = dir.File("zstd.parquet");
        DuckDbJson.Query($"copy (select i, 'v' || i as s from range(0, 100) t(i)) to {DuckDbJson.Quote(path)} (FORMAT parquet, COMPRESSION zstd);; select 1");
        using var reader = ParquetFileReader.Open(path);
        var e = Assert.Throws<ParquetNotSupportedException>(() => reader.ReadRows().ToList());
        Assert.Contains("ZSTD", e.Message);
    }
}
