using System.Buffers.Binary;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Schema;
using Pipeline.Data.Parquet.Thrift;
using Pipeline.Data.Parquet.Writing;

namespace Pipeline.Data.Parquet;

/// <summary>
/// Writes a Parquet file: <c>PAR1</c>, row groups one after another, then the Thrift footer. Rows are
/// given column by column per row group through <see cref="ParquetRowGroupWriter"/>.
/// </summary>
public sealed class ParquetFileWriter : IDisposable
{
    internal static ReadOnlySpan<byte> Magic => "PAR1"u8;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ParquetWriteOptions _options;
    private readonly List<RowGroup> _rowGroups = [];
    private readonly Dictionary<string, string> _keyValues = new(StringComparer.Ordinal);
    private ParquetRowGroupWriter? _open;
    private long _position;
    private long _rows;
    private bool _closed;

    public ParquetFileWriter(Stream stream, ParquetSchema schema, ParquetWriteOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(schema);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        _options = options ?? new ParquetWriteOptions();
        _options.Validate();
        _stream = stream;
        _leaveOpen = leaveOpen;
        Schema = schema;
        _stream.Write(Magic);
        _position = Magic.Length;
    }

    public ParquetSchema Schema { get; }

    /// <summary>Bytes written so far (the file's length once closed).</summary>
    public long Position => _position;

    public IReadOnlyList<RowGroup> RowGroups => _rowGroups;

    /// <summary>Sets a footer key-value entry; call before <see cref="Close"/>.</summary>
    public void SetKeyValue(string key, string value)
    {
        if (_closed) throw new InvalidOperationException("The file is closed.");
        _keyValues[key] = value;
    }

    public ParquetRowGroupWriter BeginRowGroup(int rowCount)
    {
        if (_closed) throw new InvalidOperationException("The file is closed.");
        if (_open is not null) throw new InvalidOperationException("The previous row group is still open; complete or dispose it first.");
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        _open = new ParquetRowGroupWriter(this, Schema, _options, rowCount);
        return _open;
    }

    internal void AppendRowGroup(ParquetRowGroupWriter owner, int rowCount, EncodedChunk[] chunks)
    {
        if (!ReferenceEquals(owner, _open)) throw new InvalidOperationException("This row group does not belong to the open one.");
        long start = _position;
        long uncompressed = 0;
        var group = new RowGroup { NumRows = rowCount, FileOffset = start, Ordinal = (short)Math.Min(_rowGroups.Count, short.MaxValue) };
        foreach (var chunk in chunks)
        {
            long chunkStart = _position;
            _stream.Write(chunk.Pages.WrittenSpan);
            _position += chunk.Pages.Length;
            var meta = chunk.Meta;
            meta.DataPageOffset = chunkStart + chunk.RelativeDataOffset;
            meta.DictionaryPageOffset = chunk.RelativeDictionaryOffset is { } d ? chunkStart + d : null;
            uncompressed += meta.TotalUncompressedSize;
            group.Columns.Add(new ColumnChunk { FileOffset = chunkStart, MetaData = meta });
        }
        group.TotalByteSize = uncompressed;
        group.TotalCompressedSize = _position - start;
        _rowGroups.Add(group);
        _rows += rowCount;
        _open = null;
    }

    internal void AbandonRowGroup(ParquetRowGroupWriter owner)
    {
        if (ReferenceEquals(owner, _open)) _open = null;
    }

    /// <summary>The footer as it would be written now.</summary>
    public FileMetaData BuildFooter() => new()
    {
        Version = 1,
        Schema = [.. Schema.Elements],
        NumRows = _rows,
        RowGroups = [.. _rowGroups],
        KeyValueMetadata = _keyValues.Select(kv => new KeyValue(kv.Key, kv.Value)).ToList(),
        CreatedBy = _options.CreatedBy,
        TypeDefinedColumnOrders = Schema.Columns.Count,
    };

    /// <summary>Flushes buffered bytes; with <paramref name="toDisk"/> also asks the OS to persist them.</summary>
    public void Flush(bool toDisk = false)
    {
        if (toDisk && _stream is FileStream fs) fs.Flush(true);
        else _stream.Flush();
    }

    /// <summary>Writes the footer. The file is complete only after this returns.</summary>
    public void Close()
    {
        if (_closed) return;
        if (_open is not null) throw new InvalidOperationException("A row group is still open; complete or dispose it before closing.");
        _position += WriteFooter(_stream, BuildFooter());
        _closed = true;
        _stream.Flush();
    }

    /// <summary>Appends footer, its length and the trailing magic; returns the bytes written.</summary>
    public static int WriteFooter(Stream stream, FileMetaData footer)
    {
        var w = new CompactWriter(4096);
        footer.Write(w);
        stream.Write(w.WrittenSpan);
        Span<byte> tail = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(tail, w.Length);
        Magic.CopyTo(tail[4..]);
        stream.Write(tail);
        return w.Length + 8;
    }

    /// <summary>Releases the stream without writing a footer: the bytes so far stay as they are.</summary>
    public void Abort()
    {
        _closed = true;
        _open = null;
        if (!_leaveOpen) _stream.Dispose();
    }

    public void Dispose()
    {
        try
        {
            if (!_closed && _open is null) Close();
        }
        finally
        {
            _closed = true;
            if (!_leaveOpen) _stream.Dispose();
        }
    }
}
