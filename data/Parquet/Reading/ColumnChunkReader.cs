using System.Buffers;
using System.Buffers.Binary;
using Pipeline.Data.Parquet.Compression;
using Pipeline.Data.Parquet.Encodings;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Schema;
using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Reading;

/// <summary>Decodes the pages of one column chunk (already in memory) into a <see cref="ColumnData"/>.</summary>
internal static class ColumnChunkReader
{
    public static ColumnData Read(ReadOnlySpan<byte> chunk, byte[] chunkArray, int chunkStart, ColumnDescriptor column, ColumnMetaData meta, long rowCount, ParquetReadOptions options, string what)
    {
        var result = new ColumnData(column, rowCount);
        var values = new ValueBuffer(column.Type, column.TypeLength, what);
        long reserve = Math.Min(meta.NumValues, chunk.Length * 22L + 1024);
        if (reserve > 0 && reserve < Array.MaxLength) values.Reserve((int)reserve);
        int maxDef = column.MaxDefinitionLevel, maxRep = column.MaxRepetitionLevel;
        byte[] def = [], rep = [];
        if (maxDef > 0 && reserve > 0) def = new byte[reserve];
        if (maxRep > 0 && reserve > 0) rep = new byte[reserve];
        int levels = 0;
        ValueBuffer? dictionary = null;
        int pos = 0;
        var codec = meta.Codec;

        while (levels < meta.NumValues)
        {
            if (pos >= chunk.Length) throw new ParquetFormatException($"{what}: column chunk ends after {levels} of {meta.NumValues} values");
            var headerReader = new CompactReader(chunkArray, chunkStart + pos, chunk.Length - pos, $"{what} page header");
            var header = PageHeader.Read(headerReader);
            pos = headerReader.Position - chunkStart;
            if (header.CompressedPageSize > chunk.Length - pos)
                throw new ParquetFormatException($"{what}: page of {header.CompressedPageSize} bytes runs past the column chunk ({chunk.Length - pos} left)");
            var page = chunk.Slice(pos, header.CompressedPageSize);
            pos += header.CompressedPageSize;

            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    {
                        var dh = header.DictionaryPageHeader ?? throw new ParquetFormatException($"{what}: dictionary page without its header");
                        if (dictionary is not null) throw new ParquetFormatException($"{what}: second dictionary page in one column chunk");
                        if (dh.Encoding is not (Metadata.Encoding.Plain or Metadata.Encoding.PlainDictionary))
                            throw new ParquetNotSupportedException($"{what}: dictionary page encoding {dh.Encoding} is not supported");
                        if (dh.NumValues < 0 || (long)dh.NumValues > 8L * header.UncompressedPageSize + 8)
                            throw new ParquetFormatException($"{what}: dictionary declares {dh.NumValues} values in {header.UncompressedPageSize} bytes");
                        byte[] rented = Decompress(codec, page, header.CompressedPageSize, header.UncompressedPageSize, what, out var body);
                        try
                        {
                            dictionary = new ValueBuffer(column.Type, column.TypeLength, what + " dictionary");
                            dictionary.AppendPlain(body, dh.NumValues);
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(rented);
                        }
                        break;
                    }
                case PageType.DataPage:
                    {
                        var dp = header.DataPageHeader ?? throw new ParquetFormatException($"{what}: data page without its header");
                        int n = CheckCount(dp.NumValues, levels, meta.NumValues, options, what);
                        byte[] rented = Decompress(codec, page, header.CompressedPageSize, header.UncompressedPageSize, what, out var body);
                        try
                        {
                            EnsureLevels(ref def, ref rep, maxDef, maxRep, levels + n);
                            int p = 0;
                            if (maxRep > 0) p += ReadV1Levels(body, dp.RepetitionLevelEncoding, maxRep, rep.AsSpan(levels, n), what + " repetition levels");
                            if (maxDef > 0) p += ReadV1Levels(body[p..], dp.DefinitionLevelEncoding, maxDef, def.AsSpan(levels, n), what + " definition levels");
                            int nonNull = CountNonNull(def, levels, n, maxDef);
                            DecodeValues(body[p..], dp.Encoding, nonNull, values, dictionary, what);
                            CheckRowStart(rep, levels, n, maxRep, what);
                            levels += n;
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(rented);
                        }
                        break;
                    }
                case PageType.DataPageV2:
                    {
                        var dp = header.DataPageHeaderV2 ?? throw new ParquetFormatException($"{what}: data page v2 without its header");
                        int n = CheckCount(dp.NumValues, levels, meta.NumValues, options, what);
                        int repLen = dp.RepetitionLevelsByteLength, defLen = dp.DefinitionLevelsByteLength;
                        if (repLen < 0 || defLen < 0 || (long)repLen + defLen > page.Length || (long)repLen + defLen > header.UncompressedPageSize)
                            throw new ParquetFormatException($"{what}: v2 level lengths {repLen} + {defLen} exceed the page");
                        EnsureLevels(ref def, ref rep, maxDef, maxRep, levels + n);
                        if (maxRep > 0) RleHybridDecoder.Decode(page[..repLen], RleHybridEncoder.BitWidth(maxRep), rep.AsSpan(levels, n), what + " repetition levels");
                        if (maxDef > 0) RleHybridDecoder.Decode(page.Slice(repLen, defLen), RleHybridEncoder.BitWidth(maxDef), def.AsSpan(levels, n), what + " definition levels");
                        int nonNull = CountNonNull(def, levels, n, maxDef);
                        var valuesPart = page[(repLen + defLen)..];
                        int valuesSize = header.UncompressedPageSize - repLen - defLen;
                        if (dp.IsCompressed && codec != CompressionCodec.Uncompressed)
                        {
                            byte[] rented = Decompress(codec, valuesPart, valuesPart.Length, valuesSize, what, out var body);
                            try
                            {
                                DecodeValues(body, dp.Encoding, nonNull, values, dictionary, what);
                            }
                            finally
                            {
                                ArrayPool<byte>.Shared.Return(rented);
                            }
                        }
                        else
                        {
                            if (valuesPart.Length != valuesSize) throw new ParquetFormatException($"{what}: uncompressed v2 page holds {valuesPart.Length} value bytes, declares {valuesSize}");
                            DecodeValues(valuesPart, dp.Encoding, nonNull, values, dictionary, what);
                        }
                        CheckRowStart(rep, levels, n, maxRep, what);
                        levels += n;
                        break;
                    }
                default:
                    // Index pages and unknown page types carry nothing this reader needs.
                    break;
            }
        }

        if (maxRep == 0 && levels != rowCount)
            throw new ParquetFormatException($"{what}: {levels} values for {rowCount} rows");
        if (maxRep > 0)
        {
            long rows = 0;
            for (int i = 0; i < levels; i++) if (rep[i] == 0) rows++;
            if (rows != rowCount) throw new ParquetFormatException($"{what}: {rows} rows in the levels, the row group declares {rowCount}");
        }
        result.LevelCount = levels;
        if (maxDef > 0) result.DefinitionLevels = def.Length == levels ? def : def.AsSpan(0, levels).ToArray();
        if (maxRep > 0) result.RepetitionLevels = rep.Length == levels ? rep : rep.AsSpan(0, levels).ToArray();
        values.MoveInto(result);
        return result;
    }

    private static int CheckCount(int n, int levels, long total, ParquetReadOptions options, string what)
    {
        if (n < 0 || n > options.MaxValuesPerPage || levels + (long)n > total)
            throw new ParquetFormatException($"{what}: page declares {n} values with {total - levels} left in the column chunk (limit {options.MaxValuesPerPage} per page)");
        return n;
    }

    private static void CheckRowStart(byte[] rep, int levels, int n, int maxRep, string what)
    {
        if (maxRep > 0 && n > 0 && levels == 0 && rep[0] != 0) throw new ParquetFormatException($"{what}: first repetition level is {rep[0]}, must be 0");
    }

    private static void EnsureLevels(ref byte[] def, ref byte[] rep, int maxDef, int maxRep, int need)
    {
        if (maxDef > 0 && def.Length < need) Array.Resize(ref def, Math.Max(need, (int)Math.Min(Array.MaxLength, def.Length * 2L)));
        if (maxRep > 0 && rep.Length < need) Array.Resize(ref rep, Math.Max(need, (int)Math.Min(Array.MaxLength, rep.Length * 2L)));
    }

    private static int CountNonNull(byte[] def, int start, int n, int maxDef)
    {
        if (maxDef == 0) return n;
        var span = def.AsSpan(start, n);
        // Most columns have no nulls: a vectorised scan for anything below max is the fast path.
        if (span.IndexOfAnyExcept((byte)maxDef) < 0) return n;
        return span.Count((byte)maxDef);
    }

    private static int ReadV1Levels(ReadOnlySpan<byte> body, Metadata.Encoding encoding, int maxLevel, Span<byte> output, string what)
    {
        int width = RleHybridEncoder.BitWidth(maxLevel);
        switch (encoding)
        {
            case Metadata.Encoding.Rle:
                {
                    if (body.Length < 4) throw new ParquetFormatException($"{what}: length prefix is truncated");
                    int len = BinaryPrimitives.ReadInt32LittleEndian(body);
                    if (len < 0 || len > body.Length - 4) throw new ParquetFormatException($"{what}: length {len} runs past the page");
                    RleHybridDecoder.Decode(body.Slice(4, len), width, output, what);
                    CheckMax(output, maxLevel, what);
                    return 4 + len;
                }
            case Metadata.Encoding.BitPacked:
                {
                    RleHybridDecoder.DecodeBitPackedMsbFirst(body, width, output, what);
                    CheckMax(output, maxLevel, what);
                    return RleHybridDecoder.ByteLength(output.Length, width);
                }
            default:
                throw new ParquetFormatException($"{what}: level encoding {encoding} is not valid");
        }
    }

    private static void CheckMax(Span<byte> levels, int max, string what)
    {
        if (levels.IndexOfAnyInRange((byte)(max + 1), byte.MaxValue) >= 0) throw new ParquetFormatException($"{what}: level above the maximum {max}");
    }

    private static void DecodeValues(ReadOnlySpan<byte> data, Metadata.Encoding encoding, int count, ValueBuffer values, ValueBuffer? dictionary, string what)
    {
        switch (encoding)
        {
            case Metadata.Encoding.Plain:
                values.AppendPlain(data, count);
                break;
            case Metadata.Encoding.PlainDictionary:
            case Metadata.Encoding.RleDictionary:
                {
                    if (dictionary is null) throw new ParquetFormatException($"{what}: dictionary-encoded page without a dictionary page");
                    if (count == 0) break;
                    if (data.Length < 1) throw new ParquetFormatException($"{what}: dictionary indices are missing");
                    int width = data[0];
                    int[] indices = ArrayPool<int>.Shared.Rent(count);
                    try
                    {
                        RleHybridDecoder.Decode(data[1..], width, indices.AsSpan(0, count), what + " dictionary indices");
                        values.AppendFromDictionary(dictionary, indices.AsSpan(0, count));
                    }
                    finally
                    {
                        ArrayPool<int>.Shared.Return(indices);
                    }
                    break;
                }
            case Metadata.Encoding.Rle when values.Type == PhysicalType.Boolean:
                {
                    if (data.Length < 4) throw new ParquetFormatException($"{what}: RLE boolean length is truncated");
                    int len = BinaryPrimitives.ReadInt32LittleEndian(data);
                    if (len < 0 || len > data.Length - 4) throw new ParquetFormatException($"{what}: RLE boolean length {len} runs past the page");
                    byte[] bits = ArrayPool<byte>.Shared.Rent(Math.Max(1, count));
                    try
                    {
                        RleHybridDecoder.Decode(data.Slice(4, len), 1, bits.AsSpan(0, count), what);
                        values.Reserve(count);
                        for (int i = 0; i < count; i++) values.AppendBoolean(bits[i] != 0);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(bits);
                    }
                    break;
                }
            case Metadata.Encoding.DeltaBinaryPacked when values.Type is PhysicalType.Int32 or PhysicalType.Int64:
                {
                    var decoded = new long[count];
                    DeltaDecoders.DecodeBinaryPacked(data, decoded, values.Type == PhysicalType.Int32, what);
                    values.Reserve(count);
                    if (values.Type == PhysicalType.Int32) foreach (long v in decoded) values.AppendInt32((int)v);
                    else foreach (long v in decoded) values.AppendInt64(v);
                    break;
                }
            case Metadata.Encoding.DeltaLengthByteArray when values.Type == PhysicalType.ByteArray:
                DeltaDecoders.DecodeLengthByteArray(data, count, values, what);
                break;
            case Metadata.Encoding.DeltaByteArray when values.Type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray:
                DeltaDecoders.DecodeByteArray(data, count, values, what);
                break;
            case Metadata.Encoding.ByteStreamSplit:
                DeltaDecoders.DecodeByteStreamSplit(data, count, values, what);
                break;
            default:
                throw new ParquetNotSupportedException($"{what}: value encoding {encoding} is not supported for {values.Type}");
        }
    }

    private static byte[] Decompress(CompressionCodec codec, ReadOnlySpan<byte> page, int compressedSize, int uncompressedSize, string what, out ReadOnlySpan<byte> body)
    {
        PageCompressor.CheckDeclaredSize(codec, compressedSize, uncompressedSize, what);
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, uncompressedSize));
        try
        {
            PageCompressor.Decompress(codec, page, rented.AsSpan(0, uncompressedSize), what);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
        body = rented.AsSpan(0, uncompressedSize);
        return rented;
    }
}
