using Pipeline.Data.Parquet.Encodings;

namespace Pipeline.Data.Parquet.Reading;

/// <summary>The DELTA_* and BYTE_STREAM_SPLIT encodings of Encodings.md (read side only).</summary>
internal static class DeltaDecoders
{
    /// <summary>Decodes DELTA_BINARY_PACKED into <paramref name="output"/>; returns the bytes consumed.</summary>
    public static int DecodeBinaryPacked(ReadOnlySpan<byte> data, Span<long> output, bool is32Bit, string what)
    {
        int pos = 0;
        ulong blockSize = RleHybridDecoder.ReadVarint(data, ref pos, what);
        ulong miniblocks = RleHybridDecoder.ReadVarint(data, ref pos, what);
        ulong total = RleHybridDecoder.ReadVarint(data, ref pos, what);
        long value = ZigZag(RleHybridDecoder.ReadVarint(data, ref pos, what));
        if (blockSize == 0 || blockSize % 128 != 0 || blockSize > 1 << 20 || miniblocks == 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 32 != 0)
            throw new ParquetFormatException($"{what}: invalid DELTA_BINARY_PACKED header (block {blockSize}, miniblocks {miniblocks})");
        if (total < (ulong)output.Length) throw new ParquetFormatException($"{what}: DELTA_BINARY_PACKED holds {total} values, {output.Length} needed");
        int perMini = (int)(blockSize / miniblocks);
        int count = output.Length;
        if (count == 0) return pos;
        output[0] = value;
        int produced = 1;
        Span<byte> widths = stackalloc byte[(int)Math.Min(miniblocks, 1024)];
        if (miniblocks > 1024) throw new ParquetFormatException($"{what}: {miniblocks} miniblocks per block is unreasonable");
        // Values past the ones needed belong to padding; the stream still stores whole blocks for
        // the declared total, so keep reading headers until the total is consumed.
        ulong remainingTotal = total - 1;
        while (remainingTotal > 0)
        {
            long minDelta = ZigZag(RleHybridDecoder.ReadVarint(data, ref pos, what));
            if (data.Length - pos < widths.Length) throw new ParquetFormatException($"{what}: DELTA_BINARY_PACKED block header is truncated");
            data.Slice(pos, widths.Length).CopyTo(widths);
            pos += widths.Length;
            for (int m = 0; m < widths.Length && remainingTotal > 0; m++)
            {
                int width = widths[m];
                if (width > 64) throw new ParquetFormatException($"{what}: miniblock bit width {width}");
                int bytes = perMini * width / 8;
                if (data.Length - pos < bytes) throw new ParquetFormatException($"{what}: DELTA_BINARY_PACKED miniblock is truncated");
                var mini = data.Slice(pos, bytes);
                pos += bytes;
                int inMini = (int)Math.Min((ulong)perMini, remainingTotal);
                remainingTotal -= (ulong)inMini;
                if (produced >= count) continue;
                for (int k = 0; k < inMini; k++)
                {
                    ulong packed = ReadBits(mini, k * width, width);
                    value = unchecked(value + minDelta + (long)packed);
                    if (is32Bit) value = (int)value;
                    if (produced < count) output[produced] = value;
                    produced++;
                }
            }
        }
        return pos;
    }

    private static ulong ReadBits(ReadOnlySpan<byte> data, int bitOffset, int width)
    {
        if (width == 0) return 0;
        ulong result = 0;
        int got = 0;
        while (got < width)
        {
            int byteIndex = (bitOffset + got) >> 3;
            int shift = (bitOffset + got) & 7;
            int take = Math.Min(8 - shift, width - got);
            ulong bits = (ulong)((data[byteIndex] >> shift) & ((1 << take) - 1));
            result |= bits << got;
            got += take;
        }
        return result;
    }

    private static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    /// <summary>DELTA_LENGTH_BYTE_ARRAY: delta-packed lengths followed by the concatenated bytes.</summary>
    public static int DecodeLengthByteArray(ReadOnlySpan<byte> data, int count, ValueBuffer target, string what)
    {
        var lengths = new long[count];
        int pos = DecodeBinaryPacked(data, lengths, true, what);
        target.Reserve(count);
        foreach (long len in lengths)
        {
            if (len < 0 || len > data.Length - pos) throw new ParquetFormatException($"{what}: byte array length {len} runs past the page end");
            target.AppendByteArray(data.Slice(pos, (int)len));
            pos += (int)len;
        }
        return pos;
    }

    /// <summary>DELTA_BYTE_ARRAY: each value is a prefix of the previous one plus a suffix.</summary>
    public static void DecodeByteArray(ReadOnlySpan<byte> data, int count, ValueBuffer target, string what)
    {
        var prefixes = new long[count];
        int pos = DecodeBinaryPacked(data, prefixes, true, what);
        var suffixes = new ValueBuffer(Metadata.PhysicalType.ByteArray, 0, what);
        DecodeLengthByteArray(data[pos..], count, suffixes, what);
        target.Reserve(count);
        byte[] previous = [];
        for (int i = 0; i < count; i++)
        {
            long prefix = prefixes[i];
            if (prefix < 0 || prefix > previous.Length) throw new ParquetFormatException($"{what}: prefix length {prefix} exceeds the previous value");
            var suffix = suffixes.Bytes.AsSpan(suffixes.Offsets[i], suffixes.Offsets[i + 1] - suffixes.Offsets[i]);
            var value = new byte[prefix + suffix.Length];
            previous.AsSpan(0, (int)prefix).CopyTo(value);
            suffix.CopyTo(value.AsSpan((int)prefix));
            target.AppendByteArray(value);
            previous = value;
        }
    }

    /// <summary>BYTE_STREAM_SPLIT: byte b of value i sits at b * count + i.</summary>
    public static void DecodeByteStreamSplit(ReadOnlySpan<byte> data, int count, ValueBuffer target, string what)
    {
        int width = target.FixedWidth;
        if (width <= 0) throw new ParquetFormatException($"{what}: BYTE_STREAM_SPLIT on a variable-width column");
        long bytes = (long)count * width;
        if (bytes > data.Length) throw new ParquetFormatException($"{what}: BYTE_STREAM_SPLIT data is truncated");
        var raw = new byte[bytes];
        for (int i = 0; i < count; i++)
        {
            for (int b = 0; b < width; b++) raw[i * width + b] = data[b * count + i];
        }
        target.Reserve(count);
        target.AppendFixedBytes(raw, count);
    }
}
