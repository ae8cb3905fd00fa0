using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Schema;

namespace Pipeline.Tests.Data.Parquet;

/// <summary>
/// A deterministic table that exercises every column shape the writer supports: each physical
/// type, nulls, dictionary and plain strings, timestamps, integer logical types and lists with null
/// lists, empty lists and null elements.
/// </summary>
internal sealed class SampleTable
{
    public static readonly ParquetSchema Schema = ParquetSchema.Create(
        ParquetField.Boolean("b", nullable: true),
        ParquetField.Int32("i32", nullable: true),
        ParquetField.Int64("i64"),
        ParquetField.Float("f", nullable: true),
        ParquetField.Double("d"),
        ParquetField.String("s_dict", nullable: true),
        ParquetField.String("s_plain"),
        ParquetField.Timestamp("ts"),
        ParquetField.Integer("i8", 8, signed: true, nullable: true),
        ParquetField.Integer("u32", 32, signed: false),
        ParquetField.Int32("li", nullable: true).AsList(elementNullable: true),
        ParquetField.Float("lf").AsList(),
        ParquetField.String("ls", nullable: true).AsList(elementNullable: true),
        ParquetField.Double("ld").AsList(),
        ParquetField.Int64("ll", nullable: true).AsList());

    public static readonly string[] Names = Schema.TopLevelNames.ToArray();

    public SampleTable(int rows, int seed)
    {
        var rng = new Random(seed);
        Rows = new object?[rows][];
        for (int r = 0; r < rows; r++)
        {
            var row = new object?[Names.Length];
            row[0] = r % 7 == 0 ? null : rng.Next(2) == 1;
            row[1] = r % 5 == 0 ? null : rng.Next(int.MinValue, int.MaxValue);
            row[2] = rng.NextInt64(long.MinValue, long.MaxValue);
            row[3] = r % 11 == 0 ? null : (float)(rng.NextDouble() * 2000 - 1000);
            row[4] = r == 3 ? -0.0 : rng.NextDouble() * 1e12 - 5e11;
            row[5] = r % 9 == 0 ? null : "category-" + rng.Next(8);
            row[6] = "unique " + r + " ünïcødé ✓ " + new string('x', rng.Next(0, 40));
            row[7] = DateTime.UnixEpoch.AddTicks(10 * rng.NextInt64(0, 4_000_000_000_000_000));
            row[8] = r % 4 == 0 ? null : (int)(sbyte)rng.Next(-128, 128);
            row[9] = (uint)rng.NextInt64(0, uint.MaxValue + 1L);
            row[10] = r % 6 == 0 ? null : List(rng.Next(0, 5), i => i == 1 ? null : (object)rng.Next(-1000, 1000));
            row[11] = List(rng.Next(0, 4), _ => (object)(float)rng.NextDouble());
            row[12] = r % 8 == 0 ? null : List(rng.Next(0, 3), i => i == 2 ? null : (object)("tag" + rng.Next(5)));
            row[13] = List(rng.Next(1, 3), _ => (object)(rng.NextDouble() - 0.5));
            row[14] = r % 10 == 0 ? null : List(rng.Next(0, 3), _ => (object)rng.NextInt64());
            Rows[r] = row;
        }
    }

    public object?[][] Rows { get; }

    private static List<object?> List(int n, Func<int, object?> make)
    {
        var list = new List<object?>(n);
        for (int i = 0; i < n; i++) list.Add(make(i));
        return list;
    }

    public void Write(Stream stream, ParquetWriteOptions options, int rowGroupSize, IDictionary<string, string>? keyValues = null)
    {
        using var writer = new ParquetFileWriter(stream, Schema, options, leaveOpen: true);
        foreach (var kv in keyValues ?? new Dictionary<string, string>()) writer.SetKeyValue(kv.Key, kv.Value);
        for (int start = 0; start < Rows.Length; start += rowGroupSize)
        {
            var rows = Rows.AsSpan(start, Math.Min(rowGroupSize, Rows.Length - start)).ToArray();
            using var g = writer.BeginRowGroup(rows.Length);
            g.WriteBoolean(0, rows.Select(r => r[0] is true).ToArray(), rows.Select(r => r[0] is null).ToArray());
            g.WriteInt32(1, rows.Select(r => r[1] as int? ?? 0).ToArray(), rows.Select(r => r[1] is null).ToArray());
            g.WriteInt64(2, rows.Select(r => (long)r[2]!).ToArray());
            g.WriteFloat(3, rows.Select(r => r[3] as float? ?? 0).ToArray(), rows.Select(r => r[3] is null).ToArray());
            g.WriteDouble(4, rows.Select(r => (double)r[4]!).ToArray());
            g.WriteString(5, rows.Select(r => (string?)r[5]).ToArray());
            g.WriteString(6, rows.Select(r => (string?)r[6]).ToArray());
            g.WriteInt64(7, rows.Select(r => (((DateTime)r[7]!).Ticks - DateTime.UnixEpoch.Ticks) / 10).ToArray());
            g.WriteInt32(8, rows.Select(r => r[8] as int? ?? 0).ToArray(), rows.Select(r => r[8] is null).ToArray());
            g.WriteInt32(9, rows.Select(r => unchecked((int)(uint)r[9]!)).ToArray());
            WriteList<int>(rows, 10, (v, o, ln, en) => g.WriteInt32List(10, v, o, ln, en), x => (int)x);
            WriteList<float>(rows, 11, (v, o, ln, en) => g.WriteFloatList(11, v, o, ln, en), x => (float)x);
            {
                var (offsets, listNulls) = Offsets(rows, 12);
                var values = rows.SelectMany(r => (List<object?>?)r[12] ?? []).Select(x => (string?)x).ToArray();
                g.WriteStringList(12, values, offsets, listNulls);
            }
            WriteList<double>(rows, 13, (v, o, ln, en) => g.WriteDoubleList(13, v, o, ln, en), x => (double)x);
            WriteList<long>(rows, 14, (v, o, ln, en) => g.WriteInt64List(14, v, o, ln, en), x => (long)x);
            g.Complete();
        }
    }

    private delegate void ListWrite<T>(T[] values, int[] offsets, bool[] listNulls, bool[] elementNulls);

    private static void WriteList<T>(object?[][] rows, int column, ListWrite<T> write, Func<object, T> convert)
    {
        var (offsets, listNulls) = Offsets(rows, column);
        var items = rows.SelectMany(r => (List<object?>?)r[column] ?? []).ToArray();
        write(items.Select(x => x is null ? default! : convert(x)).ToArray(), offsets, listNulls, items.Select(x => x is null).ToArray());
    }

    private static (int[] Offsets, bool[] ListNulls) Offsets(object?[][] rows, int column)
    {
        var offsets = new int[rows.Length + 1];
        var nulls = new bool[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            var list = (List<object?>?)rows[r][column];
            nulls[r] = list is null;
            offsets[r + 1] = offsets[r] + (list?.Count ?? 0);
        }
        return (offsets, nulls);
    }
}
