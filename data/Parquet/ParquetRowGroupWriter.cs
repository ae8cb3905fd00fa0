using System.Buffers;
using Pipeline.Data.Parquet.Encodings;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Schema;
using Pipeline.Data.Parquet.Writing;

namespace Pipeline.Data.Parquet;

/// <summary>
/// Collects the columns of one row group. Each column is encoded (and compressed) as soon as it is
/// given, so different columns may be written from different threads; <see cref="Complete"/> then
/// appends them to the file in schema order.
/// </summary>
public sealed class ParquetRowGroupWriter : IDisposable
{
    private readonly ParquetFileWriter _file;
    private readonly ParquetSchema _schema;
    private readonly ParquetWriteOptions _options;
    private readonly EncodedChunk?[] _chunks;
    private bool _done;

    internal ParquetRowGroupWriter(ParquetFileWriter file, ParquetSchema schema, ParquetWriteOptions options, int rowCount)
    {
        _file = file;
        _schema = schema;
        _options = options;
        RowCount = rowCount;
        _chunks = new EncodedChunk?[schema.Columns.Count];
    }

    public int RowCount { get; }

    public int ColumnIndex(string name) => _schema.GetColumn(name).Index;

    public void WriteBoolean(int column, ReadOnlySpan<bool> values, ReadOnlySpan<bool> nulls = default) =>
        WriteScalar(column, PhysicalType.Boolean, values, nulls, (arr, n) => new BooleanChunkValues(arr, n));

    public void WriteInt32(int column, ReadOnlySpan<int> values, ReadOnlySpan<bool> nulls = default) =>
        WriteScalar(column, PhysicalType.Int32, values, nulls, (arr, n) => new FixedChunkValues<int>(arr, n, IsUnsigned(column)));

    public void WriteInt64(int column, ReadOnlySpan<long> values, ReadOnlySpan<bool> nulls = default) =>
        WriteScalar(column, PhysicalType.Int64, values, nulls, (arr, n) => new FixedChunkValues<long>(arr, n, IsUnsigned(column)));

    public void WriteFloat(int column, ReadOnlySpan<float> values, ReadOnlySpan<bool> nulls = default) =>
        WriteScalar(column, PhysicalType.Float, values, nulls, (arr, n) => new FixedChunkValues<float>(arr, n, false));

    public void WriteDouble(int column, ReadOnlySpan<double> values, ReadOnlySpan<bool> nulls = default) =>
        WriteScalar(column, PhysicalType.Double, values, nulls, (arr, n) => new FixedChunkValues<double>(arr, n, false));

    /// <summary>Writes a STRING (or other byte-array) column; a null string is a null value.</summary>
    public void WriteString(int column, ReadOnlySpan<string?> values)
    {
        var c = Column(column, PhysicalType.ByteArray, list: false);
        CheckLength(c, values.Length, RowCount, "values");
        bool[]? nulls = NullsOf(values, out bool any);
        try
        {
            byte[]? def = LevelBuilder.Scalar(c, RowCount, any ? nulls.AsSpan(0, values.Length) : default, out _);
            Store(c, def, null, RowCount, PackStrings(values));
        }
        finally
        {
            if (nulls is not null) ArrayPool<bool>.Shared.Return(nulls);
        }
    }

    /// <summary>Writes a BYTE_ARRAY column from raw bytes; a null array is a null value.</summary>
    public void WriteBinary(int column, ReadOnlySpan<byte[]?> values)
    {
        var c = Column(column, PhysicalType.ByteArray, list: false);
        CheckLength(c, values.Length, RowCount, "values");
        var nulls = ArrayPool<bool>.Shared.Rent(Math.Max(1, values.Length));
        var data = new ByteBuffer();
        var offsets = ArrayPool<int>.Shared.Rent(values.Length + 1);
        int n = 0;
        offsets[0] = 0;
        for (int i = 0; i < values.Length; i++)
        {
            nulls[i] = values[i] is null;
            if (values[i] is { } v)
            {
                data.Write(v);
                offsets[++n] = data.Length;
            }
        }
        try
        {
            byte[]? def = LevelBuilder.Scalar(c, RowCount, nulls.AsSpan(0, values.Length), out _);
            Store(c, def, null, RowCount, new ByteArrayChunkValues(data, offsets, n));
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(nulls);
        }
    }

    /// <summary>Writes a LIST&lt;INT32&gt;: row r holds values[offsets[r]..offsets[r+1]].</summary>
    public void WriteInt32List(int column, ReadOnlySpan<int> values, ReadOnlySpan<int> offsets, ReadOnlySpan<bool> listNulls = default, ReadOnlySpan<bool> elementNulls = default) =>
        WriteList(column, PhysicalType.Int32, values, offsets, listNulls, elementNulls, (arr, n) => new FixedChunkValues<int>(arr, n, IsUnsigned(column)));

    public void WriteInt64List(int column, ReadOnlySpan<long> values, ReadOnlySpan<int> offsets, ReadOnlySpan<bool> listNulls = default, ReadOnlySpan<bool> elementNulls = default) =>
        WriteList(column, PhysicalType.Int64, values, offsets, listNulls, elementNulls, (arr, n) => new FixedChunkValues<long>(arr, n, IsUnsigned(column)));

    public void WriteFloatList(int column, ReadOnlySpan<float> values, ReadOnlySpan<int> offsets, ReadOnlySpan<bool> listNulls = default, ReadOnlySpan<bool> elementNulls = default) =>
        WriteList(column, PhysicalType.Float, values, offsets, listNulls, elementNulls, (arr, n) => new FixedChunkValues<float>(arr, n, false));

    public void WriteDoubleList(int column, ReadOnlySpan<double> values, ReadOnlySpan<int> offsets, ReadOnlySpan<bool> listNulls = default, ReadOnlySpan<bool> elementNulls = default) =>
        WriteList(column, PhysicalType.Double, values, offsets, listNulls, elementNulls, (arr, n) => new FixedChunkValues<double>(arr, n, false));

    public void WriteBooleanList(int column, ReadOnlySpan<bool> values, ReadOnlySpan<int> offsets, ReadOnlySpan<bool> listNulls = default, ReadOnlySpan<bool> elementNulls = default) =>
        WriteList(column, PhysicalType.Boolean, values, offsets, listNulls, elementNulls, (arr, n) => new BooleanChunkValues(arr, n));

    /// <summary>Writes a LIST&lt;STRING&gt;; a null string is a null element.</summary>
    public void WriteStringList(int column, ReadOnlySpan<string?> values, ReadOnlySpan<int> offsets, ReadOnlySpan<bool> listNulls = default)
    {
        var c = Column(column, PhysicalType.ByteArray, list: true);
        bool[]? nulls = NullsOf(values, out bool any);
        try
        {
            var (def, rep, count) = LevelBuilder.List(c, RowCount, offsets, listNulls, any ? nulls.AsSpan(0, values.Length) : default, values.Length);
            Store(c, def, rep, count, PackStrings(values));
        }
        finally
        {
            if (nulls is not null) ArrayPool<bool>.Shared.Return(nulls);
        }
    }

    /// <summary>Appends every column to the file; all columns must have been written.</summary>
    public void Complete()
    {
        if (_done) throw new InvalidOperationException("Row group already completed.");
        for (int i = 0; i < _chunks.Length; i++)
        {
            if (_chunks[i] is null) throw new InvalidOperationException($"Column '{_schema.Columns[i].DottedPath}' was not written in this row group.");
        }
        _done = true;
        _file.AppendRowGroup(this, RowCount, _chunks!);
    }

    public void Dispose()
    {
        for (int i = 0; i < _chunks.Length; i++)
        {
            _chunks[i]?.Dispose();
            _chunks[i] = null;
        }
        if (!_done) _file.AbandonRowGroup(this);
        _done = true;
    }

    private bool IsUnsigned(int column) => _schema.Columns[column].LogicalType is { Kind: LogicalTypeKind.Integer, IsSigned: false };

    private void WriteScalar<T>(int column, PhysicalType type, ReadOnlySpan<T> values, ReadOnlySpan<bool> nulls, Func<T[], int, ChunkValues> wrap)
        where T : unmanaged
    {
        var c = Column(column, type, list: false);
        CheckLength(c, values.Length, RowCount, "values");
        byte[]? def = LevelBuilder.Scalar(c, RowCount, nulls, out int nonNull);
        T[] dense = Gather(values, nulls, nonNull);
        Store(c, def, null, RowCount, wrap(dense, nonNull));
    }

    private void WriteList<T>(int column, PhysicalType type, ReadOnlySpan<T> values, ReadOnlySpan<int> offsets, ReadOnlySpan<bool> listNulls, ReadOnlySpan<bool> elementNulls, Func<T[], int, ChunkValues> wrap)
        where T : unmanaged
    {
        var c = Column(column, type, list: true);
        var (def, rep, count) = LevelBuilder.List(c, RowCount, offsets, listNulls, elementNulls, values.Length);
        int nonNull = values.Length;
        if (!elementNulls.IsEmpty) foreach (bool b in elementNulls) if (b) nonNull--;
        T[] dense = Gather(values, elementNulls, nonNull);
        Store(c, def, rep, count, wrap(dense, nonNull));
    }

    private static T[] Gather<T>(ReadOnlySpan<T> values, ReadOnlySpan<bool> nulls, int nonNull) where T : unmanaged
    {
        T[] dense = ArrayPool<T>.Shared.Rent(Math.Max(1, nonNull));
        if (nulls.IsEmpty || nonNull == values.Length)
        {
            values.CopyTo(dense);
            return dense;
        }
        int n = 0;
        for (int i = 0; i < values.Length; i++) if (!nulls[i]) dense[n++] = values[i];
        return dense;
    }

    private static bool[]? NullsOf(ReadOnlySpan<string?> values, out bool any)
    {
        any = false;
        foreach (var v in values) if (v is null) { any = true; break; }
        if (!any) return null;
        bool[] nulls = ArrayPool<bool>.Shared.Rent(Math.Max(1, values.Length));
        for (int i = 0; i < values.Length; i++) nulls[i] = values[i] is null;
        return nulls;
    }

    private static ByteArrayChunkValues PackStrings(ReadOnlySpan<string?> values)
    {
        long chars = 0;
        foreach (var v in values) chars += v?.Length ?? 0;
        var data = new ByteBuffer((int)Math.Min(Math.Max(16, chars + chars / 8), Array.MaxLength));
        int[] offsets = ArrayPool<int>.Shared.Rent(values.Length + 1);
        offsets[0] = 0;
        int n = 0;
        foreach (var v in values)
        {
            if (v is null) continue;
            Span<byte> dest = data.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(v.Length));
            data.Advance(System.Text.Encoding.UTF8.GetBytes(v, dest));
            offsets[++n] = data.Length;
        }
        return new ByteArrayChunkValues(data, offsets, n);
    }

    private ColumnDescriptor Column(int column, PhysicalType type, bool list)
    {
        if (_done) throw new InvalidOperationException("Row group already completed.");
        if ((uint)column >= (uint)_schema.Columns.Count)
            throw new ArgumentOutOfRangeException(nameof(column), column, $"The schema has {_schema.Columns.Count} columns.");
        var c = _schema.Columns[column];
        if (c.Type != type) throw new ArgumentException($"Column '{c.DottedPath}' is {c.Type}, not {type}.");
        if (list != (c.MaxRepetitionLevel > 0))
            throw new ArgumentException($"Column '{c.DottedPath}' is {(c.MaxRepetitionLevel > 0 ? "a list" : "not a list")}; use the {(list ? "scalar" : "list")} write method.");
        return c;
    }

    private static void CheckLength(ColumnDescriptor c, int actual, int expected, string what)
    {
        if (actual != expected) throw new ArgumentException($"Column '{c.DottedPath}': {actual} {what} for a row group of {expected} rows.");
    }

    private void Store(ColumnDescriptor c, byte[]? def, byte[]? rep, int levelCount, ChunkValues values)
    {
        try
        {
            var chunk = ColumnChunkEncoder.Encode(c, _options, def is null ? default : def.AsSpan(0, levelCount), rep is null ? default : rep.AsSpan(0, levelCount), levelCount, values);
            var previous = Interlocked.Exchange(ref _chunks[c.Index], chunk);
            if (previous is not null)
            {
                previous.Dispose();
                throw new InvalidOperationException($"Column '{c.DottedPath}' was written twice in one row group.");
            }
        }
        finally
        {
            values.Dispose();
            if (def is not null) ArrayPool<byte>.Shared.Return(def);
            if (rep is not null) ArrayPool<byte>.Shared.Return(rep);
        }
    }
}
