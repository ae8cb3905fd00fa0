using Pipeline.Data.Parquet.Compression;
using Pipeline.Data.Parquet.Encodings;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Schema;
using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Writing;

/// <summary>
/// Turns levels and non-null values of one column into a dictionary page (optional) and v1 data
/// pages. Pages end on row boundaries so that readers can split work by page.
/// </summary>
internal static class ColumnChunkEncoder
{
    public static EncodedChunk Encode(
        ColumnDescriptor column,
        ParquetWriteOptions options,
        ReadOnlySpan<byte> def,
        ReadOnlySpan<byte> rep,
        int levelCount,
        ChunkValues values)
    {
        bool hasDef = column.MaxDefinitionLevel > 0;
        bool hasRep = column.MaxRepetitionLevel > 0;

        DictionaryEncoded? dictionary = null;
        if (options.DictionaryForStrings && column.Type == PhysicalType.ByteArray)
            dictionary = values.TryDictionary(options.DictionaryPageSizeLimit);

        var chunk = new ByteBuffer(64 * 1024);
        using var body = new ByteBuffer(64 * 1024);
        using var compressed = new ByteBuffer(64 * 1024);
        var thrift = new CompactWriter();
        long uncompressedTotal = 0;
        long? dictionaryOffset = null;
        try
        {
            if (dictionary is not null)
            {
                dictionaryOffset = 0;
                var header = new PageHeader
                {
                    Type = PageType.DictionaryPage,
                    DictionaryPageHeader = new DictionaryPageHeader { NumValues = dictionary.DictionaryCount, Encoding = Metadata.Encoding.Plain },
                };
                uncompressedTotal += WritePage(header, dictionary.DictionaryPlain.WrittenSpan, options, chunk, compressed, thrift);
            }
            long dataOffset = chunk.Length;

            var pageContext = new PageContext(column, options, values, dictionary, body, chunk, compressed, thrift);
            int pageSize = options.DataPageSize;
            int levelStart = 0, valueStart = 0, valueIndex = 0;
            int maxDef = column.MaxDefinitionLevel;
            int nextCheck = 64;
            // Levels are scanned in one pass; a page is cut at the first row start past the size target.
            for (int i = 0; i <= levelCount; i++)
            {
                bool end = i == levelCount;
                if (!end)
                {
                    bool rowStart = !hasRep || rep[i] == 0;
                    if (rowStart && i >= nextCheck)
                    {
                        nextCheck = i + 64;
                        if (EstimatedSize(values, dictionary, valueStart, valueIndex, i - levelStart) >= pageSize)
                        {
                            uncompressedTotal += WriteDataPage(hasRep ? rep[levelStart..i] : default, hasDef ? def[levelStart..i] : default, i - levelStart, valueStart, valueIndex, pageContext);
                            levelStart = i;
                            valueStart = valueIndex;
                        }
                    }
                    if (!hasDef || def[i] == maxDef) valueIndex++;
                }
                else if (i > levelStart || levelCount == 0)
                {
                    uncompressedTotal += WriteDataPage(hasRep ? rep[levelStart..i] : default, hasDef ? def[levelStart..i] : default, i - levelStart, valueStart, valueIndex, pageContext);
                }
            }
            if (valueIndex != values.Count)
                throw new InvalidOperationException($"Column '{column.DottedPath}': levels describe {valueIndex} values but {values.Count} were given.");

            var encodings = new List<Metadata.Encoding> { Metadata.Encoding.Plain, Metadata.Encoding.Rle };
            if (dictionary is not null) encodings.Add(Metadata.Encoding.RleDictionary);
            var meta = new ColumnMetaData
            {
                Type = column.Type,
                Encodings = encodings,
                PathInSchema = [.. column.Path],
                Codec = options.Compression,
                NumValues = levelCount,
                TotalUncompressedSize = uncompressedTotal,
                TotalCompressedSize = chunk.Length,
                Statistics = BuildStatistics(values, levelCount - values.Count, options.MaxStatisticsLength),
            };
            return new EncodedChunk(chunk, meta, dictionaryOffset, dataOffset);
        }
        catch
        {
            chunk.Dispose();
            throw;
        }
        finally
        {
            dictionary?.Dispose();
        }
    }

    private sealed record PageContext(
        ColumnDescriptor Column, ParquetWriteOptions Options, ChunkValues Values, DictionaryEncoded? Dictionary,
        ByteBuffer Body, ByteBuffer Chunk, ByteBuffer Compressed, CompactWriter Thrift);

    private static long WriteDataPage(ReadOnlySpan<byte> rep, ReadOnlySpan<byte> def, int levels, int vs, int ve, PageContext p)
    {
        var body = p.Body;
        body.Clear();
        if (p.Column.MaxRepetitionLevel > 0) WriteLevels(rep, RleHybridEncoder.BitWidth(p.Column.MaxRepetitionLevel), body);
        if (p.Column.MaxDefinitionLevel > 0) WriteLevels(def, RleHybridEncoder.BitWidth(p.Column.MaxDefinitionLevel), body);
        if (p.Dictionary is { } dictionary)
        {
            body.WriteByte((byte)dictionary.BitWidth);
            RleHybridEncoder.Encode<int>(dictionary.Indices.AsSpan(vs, ve - vs), dictionary.BitWidth, body);
        }
        else
        {
            p.Values.WritePlain(vs, ve, body);
        }
        var header = new PageHeader
        {
            Type = PageType.DataPage,
            DataPageHeader = new DataPageHeader
            {
                NumValues = levels,
                Encoding = p.Dictionary is not null ? Metadata.Encoding.RleDictionary : Metadata.Encoding.Plain,
                DefinitionLevelEncoding = Metadata.Encoding.Rle,
                RepetitionLevelEncoding = Metadata.Encoding.Rle,
            },
        };
        return WritePage(header, body.WrittenSpan, p.Options, p.Chunk, p.Compressed, p.Thrift);
    }

    private static long EstimatedSize(ChunkValues values, DictionaryEncoded? dictionary, int valueStart, int valueEnd, int levels)
    {
        long valueBytes = dictionary is null
            ? values.PlainSize(valueStart, valueEnd)
            : ((long)(valueEnd - valueStart) * dictionary.BitWidth + 7) / 8;
        // Levels are usually long RLE runs; a quarter byte each is a generous estimate.
        return valueBytes + levels / 4;
    }

    private static void WriteLevels(ReadOnlySpan<byte> levels, int bitWidth, ByteBuffer body)
    {
        int lengthAt = body.Length;
        body.WriteInt32LittleEndian(0);
        RleHybridEncoder.Encode(levels, bitWidth, body);
        body.PatchInt32LittleEndian(lengthAt, body.Length - lengthAt - 4);
    }

    /// <summary>Compresses a page body and appends header and body to the chunk; returns the uncompressed bytes including header.</summary>
    private static long WritePage(PageHeader header, ReadOnlySpan<byte> body, ParquetWriteOptions options, ByteBuffer chunk, ByteBuffer compressed, CompactWriter thrift)
    {
        compressed.Clear();
        PageCompressor.Compress(options.Compression, body, compressed, options.GzipLevel);
        header.UncompressedPageSize = body.Length;
        header.CompressedPageSize = compressed.Length;
        thrift.Clear();
        header.Write(thrift);
        chunk.Write(thrift.WrittenSpan);
        chunk.Write(compressed.WrittenSpan);
        return thrift.Length + body.Length;
    }

    private static Statistics BuildStatistics(ChunkValues values, long nullCount, int maxLength)
    {
        var stats = new Statistics { NullCount = nullCount };
        if (values.MinMax(maxLength) is { } mm)
        {
            stats.MinValue = mm.Min;
            stats.MaxValue = mm.Max;
            if (!mm.Exact)
            {
                stats.IsMinValueExact = false;
                stats.IsMaxValueExact = false;
            }
        }
        return stats;
    }
}
