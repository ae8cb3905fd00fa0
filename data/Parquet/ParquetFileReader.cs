using System.Buffers;
using System.Buffers.Binary;
using Pipeline.Data.Parquet.Compression;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Reading;
using Pipeline.Data.Parquet.Schema;
using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet;

/// <summary>
/// Reads a Parquet file from a seekable stream. Only the footer is read on open; column chunks are
/// read on demand, one (row group, column) at a time, so projections and row-group ranges touch only
/// the bytes they need. Not thread-safe.
/// </summary>
public sealed class ParquetFileReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ParquetReadOptions _options;
    private readonly string _name;
    private readonly long _dataEnd;

    public ParquetFileReader(Stream stream, ParquetReadOptions? options = null, bool leaveOpen = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead) throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        _options = options ?? new ParquetReadOptions();
        _options.Validate();
        _name = name ?? (stream is FileStream fs ? fs.Name : "stream");
        try
        {
            (Metadata, _dataEnd) = ReadFooter();
            Schema = ParquetSchema.FromElements(Metadata.Schema);
            Validate();
        }
        catch
        {
            if (!leaveOpen) stream.Dispose();
            throw;
        }
    }

    public static ParquetFileReader Open(string path, ParquetReadOptions? options = null) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess), options, false, path);

    public FileMetaData Metadata { get; }

    public ParquetSchema Schema { get; }

    public int RowGroupCount => Metadata.RowGroups.Count;

    public long RowCount => Metadata.NumRows;

    public IReadOnlyDictionary<string, string?> KeyValueMetadata =>
        (Metadata.KeyValueMetadata ?? []).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    public long RowGroupRowCount(int rowGroup) => RowGroupAt(rowGroup).NumRows;

    public ColumnMetaData ColumnMetadata(int rowGroup, int column) => RowGroupAt(rowGroup).Columns[column].MetaData!;

    /// <summary>Reads and decodes one column chunk.</summary>
    public ColumnData ReadColumn(int rowGroup, int column)
    {
        var group = RowGroupAt(rowGroup);
        if ((uint)column >= (uint)Schema.Columns.Count) throw new ArgumentOutOfRangeException(nameof(column), column, $"The file has {Schema.Columns.Count} columns.");
        var desc = Schema.Columns[column];
        var meta = group.Columns[column].MetaData!;
        string what = $"{_name}: row group {rowGroup}, column '{desc.DottedPath}'";
        long start = meta.DataPageOffset;
        if (meta.DictionaryPageOffset is { } d && d > 0 && d < start) start = d;
        long length = meta.TotalCompressedSize;
        if (start < 4 || length < 0 || start + length > _dataEnd)
            throw new ParquetFormatException($"{what}: chunk at {start} of {length} bytes lies outside the data area (4..{_dataEnd})");
        if (length > Array.MaxLength) throw new ParquetFormatException($"{what}: chunk of {length} bytes is too large");
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
        try
        {
            _stream.Seek(start, SeekOrigin.Begin);
            _stream.ReadExactly(buffer, 0, (int)length);
            return ColumnChunkReader.Read(buffer.AsSpan(0, (int)length), buffer, 0, desc, meta, group.NumRows, _options, what);
        }
        catch (EndOfStreamException e)
        {
            throw new ParquetFormatException($"{what}: file ends inside the column chunk", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ColumnData ReadColumn(int rowGroup, string name) => ReadColumn(rowGroup, Schema.GetColumn(name).Index);

    /// <summary>
    /// Streams rows as object arrays, one entry per requested top-level field (all by default): scalars
    /// as CLR values (see <see cref="ColumnData.GetValue"/>), lists as <see cref="List{T}"/> of object?.
    /// Only the requested columns of the requested row groups are read, one row group at a time.
    /// </summary>
    public IEnumerable<object?[]> ReadRows(IReadOnlyList<string>? fields = null, int firstRowGroup = 0, int rowGroupCount = -1)
    {
        var leaves = ResolveFields(fields);
        if (rowGroupCount < 0) rowGroupCount = RowGroupCount - firstRowGroup;
        if (firstRowGroup < 0 || firstRowGroup + rowGroupCount > RowGroupCount)
            throw new ArgumentOutOfRangeException(nameof(firstRowGroup), $"Row groups {firstRowGroup}..{firstRowGroup + rowGroupCount - 1} are outside 0..{RowGroupCount - 1}.");
        return Iterate(leaves, firstRowGroup, rowGroupCount);
    }

    private IEnumerable<object?[]> Iterate(ColumnDescriptor[] leaves, int first, int count)
    {
        for (int g = first; g < first + count; g++)
        {
            long rows = RowGroupAt(g).NumRows;
            var assemblers = leaves.Select(c => new RowAssembler(ReadColumn(g, c.Index))).ToArray();
            for (long r = 0; r < rows; r++)
            {
                var row = new object?[assemblers.Length];
                for (int i = 0; i < assemblers.Length; i++) row[i] = assemblers[i].Next();
                yield return row;
            }
        }
    }

    private ColumnDescriptor[] ResolveFields(IReadOnlyList<string>? fields)
    {
        if (fields is null)
        {
            var all = new List<ColumnDescriptor>();
            for (int f = 0; f < Schema.TopLevelNames.Count; f++)
            {
                var leaves = Schema.Columns.Where(c => c.TopLevelField == f).ToList();
                if (leaves.Count != 1)
                    throw new ParquetNotSupportedException($"Field '{Schema.TopLevelNames[f]}' is a struct or map with {leaves.Count} leaves; ReadRows assembles lists of primitives only. Name its leaf columns instead.");
                all.Add(leaves[0]);
            }
            return [.. all];
        }
        return fields.Select(Schema.GetColumn).ToArray();
    }

    private RowGroup RowGroupAt(int rowGroup)
    {
        if ((uint)rowGroup >= (uint)Metadata.RowGroups.Count)
            throw new ArgumentOutOfRangeException(nameof(rowGroup), rowGroup, $"The file has {Metadata.RowGroups.Count} row groups.");
        return Metadata.RowGroups[rowGroup];
    }

    private (FileMetaData, long) ReadFooter()
    {
        long length = _stream.Length;
        if (length < 12) throw new ParquetFormatException($"{_name}: {length} bytes is too short for a Parquet file");
        Span<byte> head = stackalloc byte[4];
        _stream.Seek(0, SeekOrigin.Begin);
        _stream.ReadExactly(head);
        if (!head.SequenceEqual(ParquetFileWriter.Magic)) throw new ParquetFormatException($"{_name}: does not start with PAR1");
        Span<byte> tail = stackalloc byte[8];
        _stream.Seek(length - 8, SeekOrigin.Begin);
        _stream.ReadExactly(tail);
        if (tail[4..].SequenceEqual("PARE"u8)) throw new ParquetNotSupportedException($"{_name}: encrypted Parquet files (PARE) are not supported");
        if (!tail[4..].SequenceEqual(ParquetFileWriter.Magic)) throw new ParquetFormatException($"{_name}: does not end with PAR1 (truncated or still being written?)");
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12 || footerLength > _options.MaxFooterLength)
            throw new ParquetFormatException($"{_name}: footer length {footerLength} is invalid for a file of {length} bytes");
        long footerStart = length - 8 - footerLength;
        var bytes = new byte[footerLength];
        _stream.Seek(footerStart, SeekOrigin.Begin);
        _stream.ReadExactly(bytes);
        var reader = new CompactReader(bytes, 0, bytes.Length, $"{_name} footer");
        return (FileMetaData.Read(reader), footerStart);
    }

    private void Validate()
    {
        var m = Metadata;
        int columns = Schema.Columns.Count;
        long rows = 0;
        for (int g = 0; g < m.RowGroups.Count; g++)
        {
            var group = m.RowGroups[g];
            if (group.NumRows < 0) throw new ParquetFormatException($"{_name}: row group {g} has {group.NumRows} rows");
            rows += group.NumRows;
            if (group.Columns.Count != columns)
                throw new ParquetFormatException($"{_name}: row group {g} has {group.Columns.Count} column chunks, the schema has {columns} columns");
            for (int c = 0; c < columns; c++)
            {
                var chunk = group.Columns[c];
                var desc = Schema.Columns[c];
                if (chunk.FilePath is not null) throw new ParquetNotSupportedException($"{_name}: column chunks in other files ('{chunk.FilePath}') are not supported");
                var meta = chunk.MetaData ?? throw new ParquetFormatException($"{_name}: row group {g}, column {c} has no metadata");
                if (meta.Type != desc.Type) throw new ParquetFormatException($"{_name}: row group {g}, column '{desc.DottedPath}' is {meta.Type} but the schema says {desc.Type}");
                if (!meta.PathInSchema.SequenceEqual(desc.Path)) throw new ParquetFormatException($"{_name}: row group {g}, column {c} path '{string.Join('.', meta.PathInSchema)}' does not match the schema's '{desc.DottedPath}'");
                if (meta.NumValues < 0 || (desc.MaxRepetitionLevel == 0 && meta.NumValues != group.NumRows) || meta.NumValues < group.NumRows)
                    throw new ParquetFormatException($"{_name}: row group {g}, column '{desc.DottedPath}' has {meta.NumValues} values for {group.NumRows} rows");
                if (meta.TotalCompressedSize < 0 || meta.DataPageOffset < 4 || meta.DataPageOffset >= _dataEnd)
                    throw new ParquetFormatException($"{_name}: row group {g}, column '{desc.DottedPath}' points outside the file");
                if (!Enum.IsDefined(meta.Codec)) throw new ParquetFormatException($"{_name}: row group {g}, column '{desc.DottedPath}' has unknown codec {(int)meta.Codec}");
            }
        }
        if (rows != m.NumRows) throw new ParquetFormatException($"{_name}: row groups hold {rows} rows, the footer declares {m.NumRows}");
    }

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }
}
