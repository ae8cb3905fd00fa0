using System.Collections;
using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Schema;

namespace Pipeline.Tests.Data.Parquet;

public class ParquetRoundTripTests
{
    [Theory]
    [InlineData(CompressionCodec.Uncompressed)]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Gzip)]
    public void Every_column_shape_survives_a_round_trip(CompressionCodec codec)
    {
        var table = new SampleTable(1500, seed: 7);
        using var ms = new MemoryStream();
        // Small pages force several pages per chunk, exercising page cuts at row boundaries.
        table.Write(ms, new ParquetWriteOptions { Compression = codec, DataPageSize = 4096 }, rowGroupSize: 600,
            new Dictionary<string, string> { ["origin"] = "test", ["empty"] = "" });
        ms.Position = 0;
        using var reader = new ParquetFileReader(ms, leaveOpen: true);
        Assert.Equal(3, reader.RowGroupCount);
        Assert.Equal(1500, reader.RowCount);
        Assert.Equal("test", reader.KeyValueMetadata["origin"]);
        Assert.Equal("", reader.KeyValueMetadata["empty"]);
        var rows = reader.ReadRows().ToList();
        Assert.Equal(table.Rows.Length, rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < SampleTable.Names.Length; c++) AssertEqual(table.Rows[r][c], rows[r][c], $"row {r} {SampleTable.Names[c]}");
        }
    }

    [Fact]
    public void Projection_and_row_group_range_read_only_what_is_asked()
    {
        var table = new SampleTable(1000, seed: 3);
        using var ms = new MemoryStream();
        table.Write(ms, new ParquetWriteOptions(), rowGroupSize: 250);
        ms.Position = 0;
        using var reader = new ParquetFileReader(ms, leaveOpen: true);
        var rows = reader.ReadRows(["s_plain", "li"], firstRowGroup: 2, rowGroupCount: 1).ToList();
        Assert.Equal(250, rows.Count);
        for (int r = 0; r < 250; r++)
        {
            Assert.Equal(2, rows[r].Length);
            AssertEqual(table.Rows[500 + r][6], rows[r][0], "s_plain");
            AssertEqual(table.Rows[500 + r][10], rows[r][1], "li");
        }
    }

    [Fact]
    public void Low_cardinality_strings_are_dictionary_encoded_and_unique_ones_are_plain()
    {
        var table = new SampleTable(2000, seed: 1);
        using var ms = new MemoryStream();
        table.Write(ms, new ParquetWriteOptions(), rowGroupSize: 2000);
        ms.Position = 0;
        using var reader = new ParquetFileReader(ms, leaveOpen: true);
        var dict = reader.ColumnMetadata(0, reader.Schema.GetColumn("s_dict").Index);
        var plain = reader.ColumnMetadata(0, reader.Schema.GetColumn("s_plain").Index);
        Assert.Contains(Encoding.RleDictionary, dict.Encodings);
        Assert.NotNull(dict.DictionaryPageOffset);
        Assert.DoesNotContain(Encoding.RleDictionary, plain.Encodings);
        Assert.Null(plain.DictionaryPageOffset);
    }

    [Fact]
    public void Statistics_hold_min_max_and_null_count()
    {
        var table = new SampleTable(800, seed: 5);
        using var ms = new MemoryStream();
        table.Write(ms, new ParquetWriteOptions(), rowGroupSize: 800);
        ms.Position = 0;
        using var reader = new ParquetFileReader(ms, leaveOpen: true);

        var i32 = reader.ColumnMetadata(0, 1).Statistics!;
        var values = table.Rows.Where(r => r[1] is not null).Select(r => (int)r[1]!).ToList();
        Assert.Equal(table.Rows.Count(r => r[1] is null), i32.NullCount);
        Assert.Equal(values.Min(), BitConverter.ToInt32(i32.MinValue));
        Assert.Equal(values.Max(), BitConverter.ToInt32(i32.MaxValue));

        var u32 = reader.ColumnMetadata(0, 9).Statistics!;
        Assert.Equal(table.Rows.Min(r => (uint)r[9]!), BitConverter.ToUInt32(u32.MinValue));
        Assert.Equal(table.Rows.Max(r => (uint)r[9]!), BitConverter.ToUInt32(u32.MaxValue));

        var s = reader.ColumnMetadata(0, 6).Statistics!;
        var strings = table.Rows.Select(r => System.Text.Encoding.UTF8.GetBytes((string)r[6]!)).ToList();
        var min = strings.Aggregate((a, b) => a.AsSpan().SequenceCompareTo(b) <= 0 ? a : b);
        Assert.Equal(min, s.MinValue);

        var d = reader.ColumnMetadata(0, 4).Statistics!;
        Assert.Equal(table.Rows.Max(r => (double)r[4]!), BitConverter.ToDouble(d.MaxValue));
    }

    [Fact]
    public void Long_strings_get_truncated_inexact_statistics_that_still_bound_the_values()
    {
        var schema = ParquetSchema.Create(ParquetField.String("s"));
        using var ms = new MemoryStream();
        var values = new[] { new string('a', 100), new string('b', 100) + "\u00ff", "\u00ff\u00ff" + new string('z', 90) };
        using (var writer = new ParquetFileWriter(ms, schema, new ParquetWriteOptions { MaxStatisticsLength = 8 }, leaveOpen: true))
        using (var g = writer.BeginRowGroup(values.Length))
        {
            g.WriteString(0, values);
            g.Complete();
        }
        ms.Position = 0;
        using var reader = new ParquetFileReader(ms, leaveOpen: true);
        var stats = reader.ColumnMetadata(0, 0).Statistics!;
        Assert.False(stats.IsMaxValueExact);
        Assert.True(stats.MinValue!.Length <= 8 && stats.MaxValue!.Length <= 8);
        foreach (var v in values)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(v);
            Assert.True(stats.MinValue.AsSpan().SequenceCompareTo(bytes) <= 0);
            Assert.True(stats.MaxValue.AsSpan().SequenceCompareTo(bytes) >= 0);
        }
    }

    [Fact]
    public void Writer_rejects_bad_input_with_the_column_named()
    {
        var schema = ParquetSchema.Create(ParquetField.Int32("required_col"), ParquetField.Int32("tokens").AsList());
        using var ms = new MemoryStream();
        using var writer = new ParquetFileWriter(ms, schema, leaveOpen: true);
        using var g = writer.BeginRowGroup(2);
        var e1 = Assert.Throws<ArgumentException>(() => g.WriteInt32(0, [1, 2], [false, true]));
        Assert.Contains("required_col", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => g.WriteInt32(0, [1, 2, 3]));
        Assert.Contains("required_col", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => g.WriteInt32List(1, [1, 2, 3], [0, 2, 2]));
        Assert.Contains("tokens", e3.Message);
        var e4 = Assert.Throws<InvalidOperationException>(() => g.Complete());
        Assert.Contains("required_col", e4.Message);
    }

    [Fact]
    public void Empty_row_group_and_empty_file_are_valid()
    {
        var schema = ParquetSchema.Create(ParquetField.String("s", nullable: true), ParquetField.Int32("l").AsList());
        using var ms = new MemoryStream();
        using (var writer = new ParquetFileWriter(ms, schema, leaveOpen: true))
        using (var g = writer.BeginRowGroup(0))
        {
            g.WriteString(0, []);
            g.WriteInt32List(1, [], [0]);
            g.Complete();
        }
        ms.Position = 0;
        using (var reader = new ParquetFileReader(ms, leaveOpen: true))
        {
            Assert.Equal(0, reader.RowCount);
            Assert.Empty(reader.ReadRows());
        }
        using var empty = new MemoryStream();
        new ParquetFileWriter(empty, schema, leaveOpen: true).Dispose();
        empty.Position = 0;
        using var emptyReader = new ParquetFileReader(empty, leaveOpen: true);
        Assert.Equal(0, emptyReader.RowGroupCount);
    }

    internal static void AssertEqual(object? expected, object? actual, string where)
    {
        if (expected is IList e && actual is IList a)
        {
            Assert.True(e.Count == a.Count, $"{where}: {e.Count} elements expected, got {a.Count}");
            for (int i = 0; i < e.Count; i++) AssertEqual(e[i], a[i], $"{where}[{i}]");
            return;
        }
        if (expected is double ed && actual is double ad)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(ed) == BitConverter.DoubleToInt64Bits(ad), $"{where}: {ed} vs {ad}");
            return;
        }
        Assert.True(Equals(expected, actual), $"{where}: expected {expected ?? "null"} ({expected?.GetType().Name}), got {actual ?? "null"} ({actual?.GetType().Name})");
    }
}
