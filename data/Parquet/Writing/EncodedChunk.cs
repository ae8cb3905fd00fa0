using Pipeline.Data.Parquet.Encodings;
using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Parquet.Writing;

/// <summary>A column chunk's pages in memory, with metadata whose page offsets are relative to the chunk start.</summary>
internal sealed class EncodedChunk(ByteBuffer pages, ColumnMetaData meta, long? dictionaryOffset, long dataOffset) : IDisposable
{
    public ByteBuffer Pages { get; } = pages;
    public ColumnMetaData Meta { get; } = meta;
    public long? RelativeDictionaryOffset { get; } = dictionaryOffset;
    public long RelativeDataOffset { get; } = dataOffset;

    public void Dispose() => Pages.Dispose();
}
