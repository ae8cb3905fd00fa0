using System.Numerics;

namespace Pipeline.Data.Parquet.Encodings;

/// <summary>
/// Decodes the RLE / bit-packing hybrid. The decoder produces exactly as many values as asked for
/// and fails with <see cref="ParquetFormatException"/> if the data runs out first or a value is
/// wider than the declared bit width allows.
/// </summary>
internal static class RleHybridDecoder
{
    public static void Decode<T>(ReadOnlySpan<byte> data, int bitWidth, Span<T> output, string what)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (bitWidth is < 0 or > 32) throw new ParquetFormatException($"{what}: bit width {bitWidth} is out of range 0..32");
        int pos = 0;
        int produced = 0;
        int valueBytes = (bitWidth + 7) / 8;
        ulong mask = bitWidth == 64 ? ulong.MaxValue : (1UL << bitWidth) - 1;
        while (produced < output.Length)
        {
            ulong header = ReadVarint(data, ref pos, what);
            if ((header & 1) == 0)
            {
                ulong count = header >> 1;
                if (count == 0) throw new ParquetFormatException($"{what}: RLE run of length 0");
                if (pos + valueBytes > data.Length) throw new ParquetFormatException($"{what}: RLE run value is truncated");
                uint value = 0;
                for (int b = 0; b < valueBytes; b++) value |= (uint)data[pos + b] << (8 * b);
                pos += valueBytes;
                if (bitWidth < 32 && value > mask) throw new ParquetFormatException($"{what}: RLE value {value} does not fit {bitWidth} bits");
                int take = (int)Math.Min(count, (ulong)(output.Length - produced));
                output.Slice(produced, take).Fill(T.CreateTruncating(value));
                produced += take;
            }
            else
            {
                ulong groups = header >> 1;
                if (groups == 0) throw new ParquetFormatException($"{what}: bit-packed run of 0 groups");
                ulong runValues = groups * 8;
                int take = (int)Math.Min(runValues, (ulong)(output.Length - produced));
                long runBytes = (long)groups * bitWidth;
                long neededBytes = ((long)take * bitWidth + 7) / 8;
                if (neededBytes > data.Length - pos) throw new ParquetFormatException($"{what}: bit-packed run is truncated");
                Unpack(data[pos..], bitWidth, output.Slice(produced, take));
                produced += take;
                pos += (int)Math.Min(runBytes, data.Length - pos);
            }
        }
    }

    private static void Unpack<T>(ReadOnlySpan<byte> src, int bitWidth, Span<T> output)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (bitWidth == 0)
        {
            output.Clear();
            return;
        }
        ulong mask = (1UL << bitWidth) - 1;
        ulong acc = 0;
        int bits = 0;
        int bytePos = 0;
        for (int k = 0; k < output.Length; k++)
        {
            while (bits < bitWidth)
            {
                acc |= (ulong)src[bytePos++] << bits;
                bits += 8;
            }
            output[k] = T.CreateTruncating(acc & mask);
            acc >>= bitWidth;
            bits -= bitWidth;
        }
    }

    /// <summary>The deprecated BIT_PACKED level encoding: fixed width, most significant bit first.</summary>
    public static void DecodeBitPackedMsbFirst<T>(ReadOnlySpan<byte> data, int bitWidth, Span<T> output, string what)
        where T : unmanaged, IBinaryInteger<T>
    {
        long needed = ((long)output.Length * bitWidth + 7) / 8;
        if (needed > data.Length) throw new ParquetFormatException($"{what}: BIT_PACKED levels are truncated");
        long bitPos = 0;
        for (int k = 0; k < output.Length; k++)
        {
            int v = 0;
            for (int b = 0; b < bitWidth; b++, bitPos++)
            {
                int bit = (data[(int)(bitPos >> 3)] >> (7 - (int)(bitPos & 7))) & 1;
                v = (v << 1) | bit;
            }
            output[k] = T.CreateTruncating(v);
        }
    }

    public static int ByteLength(long count, int bitWidth) => (int)((count * bitWidth + 7) / 8);

    internal static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos, string what)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new ParquetFormatException($"{what}: run header is truncated");
            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new ParquetFormatException($"{what}: run header varint is too long");
    }
}
