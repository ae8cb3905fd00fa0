using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Schema;

namespace Pipeline.Data.Parquet;

/// <summary>
/// One column chunk decoded: its levels and its non-null values in a typed array. Value i of the
/// byte-array kinds is <c>Bytes[ByteOffsets[i]..ByteOffsets[i+1]]</c>.
/// </summary>
public sealed class ColumnData
{
    internal ColumnData(ColumnDescriptor column, long rowCount)
    {
        Column = column;
        RowCount = rowCount;
    }

    public ColumnDescriptor Column { get; }
    public long RowCount { get; }

    /// <summary>Number of level entries (rows for flat columns; list slots plus empty/null lists for lists).</summary>
    public int LevelCount { get; internal set; }

    /// <summary>Definition levels, or null when the column is required and flat.</summary>
    public byte[]? DefinitionLevels { get; internal set; }

    /// <summary>Repetition levels, or null when the column is not repeated.</summary>
    public byte[]? RepetitionLevels { get; internal set; }

    public int ValueCount { get; internal set; }
    public bool[]? Booleans { get; internal set; }
    public int[]? Int32s { get; internal set; }
    public long[]? Int64s { get; internal set; }
    public float[]? Floats { get; internal set; }
    public double[]? Doubles { get; internal set; }
    public byte[]? Bytes { get; internal set; }
    public int[]? ByteOffsets { get; internal set; }

    public ReadOnlySpan<byte> GetBytes(int valueIndex) => Bytes.AsSpan(ByteOffsets![valueIndex], ByteOffsets[valueIndex + 1] - ByteOffsets[valueIndex]);

    public string GetString(int valueIndex) => System.Text.Encoding.UTF8.GetString(GetBytes(valueIndex));

    /// <summary>Per-row null flags of a flat column (all false for required columns).</summary>
    public bool[] RowNulls()
    {
        if (Column.MaxRepetitionLevel != 0) throw new InvalidOperationException($"Column '{Column.DottedPath}' is repeated; use ListOffsets.");
        var nulls = new bool[LevelCount];
        if (DefinitionLevels is { } def)
        {
            int max = Column.MaxDefinitionLevel;
            for (int i = 0; i < LevelCount; i++) nulls[i] = def[i] != max;
        }
        return nulls;
    }

    /// <summary>
    /// For a single-level list of non-null elements: row r holds values [offsets[r], offsets[r+1]).
    /// <paramref name="listNulls"/> flags rows whose list is null (their range is empty).
    /// </summary>
    public int[] ListOffsets(out bool[] listNulls)
    {
        if (Column.MaxRepetitionLevel != 1) throw new InvalidOperationException($"Column '{Column.DottedPath}' is not a single-level list.");
        int rows = checked((int)RowCount);
        var offsets = new int[rows + 1];
        listNulls = new bool[rows];
        var rep = RepetitionLevels!;
        var def = DefinitionLevels;
        int maxDef = Column.MaxDefinitionLevel;
        int present = Column.ListPresentDefinition[0];
        int nonEmpty = Column.ListNonEmptyDefinition[0];
        int row = -1, values = 0;
        for (int i = 0; i < LevelCount; i++)
        {
            if (rep[i] == 0)
            {
                row++;
                if (row >= rows) throw new ParquetFormatException($"Column '{Column.DottedPath}' has more rows than its row group declares ({rows}).");
                offsets[row] = values;
            }
            int d = def?[i] ?? maxDef;
            if (d == maxDef) values++;
            else if (d >= nonEmpty) throw new NotSupportedException($"Column '{Column.DottedPath}' has null list elements; read it with ReadRows.");
            else if (d < present) listNulls[row] = true;
        }
        if (row != rows - 1) throw new ParquetFormatException($"Column '{Column.DottedPath}' has {row + 1} rows, its row group declares {rows}.");
        offsets[rows] = values;
        return offsets;
    }

    /// <summary>The value as a CLR object: numbers, bool, string for text, byte[] otherwise, DateTime for timestamps.</summary>
    public object GetValue(int valueIndex)
    {
        var c = Column;
        switch (c.Type)
        {
            case PhysicalType.Boolean: return Booleans![valueIndex];
            case PhysicalType.Int32:
                {
                    int v = Int32s![valueIndex];
                    if (c.LogicalType is { Kind: LogicalTypeKind.Integer, IsSigned: false } || c.ConvertedType is ConvertedType.Uint32 or ConvertedType.Uint16 or ConvertedType.Uint8)
                        return (uint)v;
                    if (c.LogicalType?.Kind == LogicalTypeKind.Date || c.ConvertedType == ConvertedType.Date)
                        return DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + v);
                    return v;
                }
            case PhysicalType.Int64:
                {
                    long v = Int64s![valueIndex];
                    if (c.LogicalType is { Kind: LogicalTypeKind.Timestamp } ts) return FromUnix(v, ts.Unit, ts.IsAdjustedToUtc);
                    if (c.ConvertedType == ConvertedType.TimestampMicros) return FromUnix(v, TimeUnit.Micros, true);
                    if (c.ConvertedType == ConvertedType.TimestampMillis) return FromUnix(v, TimeUnit.Millis, true);
                    if (c.LogicalType is { Kind: LogicalTypeKind.Integer, IsSigned: false } || c.ConvertedType == ConvertedType.Uint64) return (ulong)v;
                    return v;
                }
            case PhysicalType.Float: return Floats![valueIndex];
            case PhysicalType.Double: return Doubles![valueIndex];
            default:
                return c.IsString ? GetString(valueIndex) : GetBytes(valueIndex).ToArray();
        }
    }

    private static DateTime FromUnix(long v, TimeUnit unit, bool utc)
    {
        try
        {
            long ticks = unit switch
            {
                TimeUnit.Millis => checked(v * TimeSpan.TicksPerMillisecond),
                TimeUnit.Micros => checked(v * 10),
                _ => v / 100,
            };
            return new DateTime(checked(DateTime.UnixEpoch.Ticks + ticks), utc ? DateTimeKind.Utc : DateTimeKind.Unspecified);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw new ParquetNotSupportedException($"Timestamp {v} ({unit}) is outside the range of DateTime; read the raw Int64s instead.");
        }
    }
}
