using System.Numerics;

namespace Pipeline.Data.Parquet.Encodings;

/// <summary>
/// Encodes non-negative integers with the RLE / bit-packing hybrid of the Parquet spec. Runs of at
/// least 8 equal values become RLE runs; everything else is bit-packed in groups of 8, LSB first.
/// </summary>
internal static class RleHybridEncoder
{
    // Bit-packed runs are cut at 63 groups so the header fits in one byte, as parquet-mr does;
    // some older readers assume it.
    private const int MaxGroupsPerRun = 63;

    public static int BitWidth(int maxValue) => maxValue == 0 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)maxValue);

    public static void Encode<T>(ReadOnlySpan<T> values, int bitWidth, ByteBuffer output)
        where T : unmanaged, IBinaryInteger<T>
    {
        int n = values.Length;
        int literalStart = 0;
        int i = 0;
        while (i < n)
        {
            T v = values[i];
            int run = 1;
            while (i + run < n && values[i + run] == v) run++;
            if (run >= 8)
            {
                int pendingLiterals = i - literalStart;
                int pad = (8 - (pendingLiterals & 7)) & 7;
                if (pendingLiterals > 0 && run - pad >= 8)
                {
                    // Borrow values from the run so the literals end on a group boundary.
                    WriteBitPacked(values.Slice(literalStart, pendingLiterals + pad), bitWidth, output);
                    i += pad;
                    run -= pad;
                    literalStart = i;
                }
                if (i == literalStart)
                {
                    WriteRle(int.CreateTruncating(v), run, bitWidth, output);
                    i += run;
                    literalStart = i;
                    continue;
                }
            }
            i += run;
        }
        if (literalStart < n) WriteBitPacked(values[literalStart..], bitWidth, output);
    }

    private static void WriteRle(int value, int count, int bitWidth, ByteBuffer output)
    {
        output.WriteVarint((ulong)count << 1);
        int bytes = (bitWidth + 7) / 8;
        for (int b = 0; b < bytes; b++) output.WriteByte((byte)(value >> (8 * b)));
    }

    /// <summary>Writes values as bit-packed runs; a final partial group is padded with zeros.</summary>
    private static void WriteBitPacked<T>(ReadOnlySpan<T> values, int bitWidth, ByteBuffer output)
        where T : unmanaged, IBinaryInteger<T>
    {
        int offset = 0;
        while (offset < values.Length)
        {
            int groups = Math.Min(MaxGroupsPerRun, (values.Length - offset + 7) / 8);
            int count = Math.Min(groups * 8, values.Length - offset);
            output.WriteVarint(((ulong)groups << 1) | 1);
            Span<byte> dest = output.GetSpan(groups * bitWidth);
            dest[..(groups * bitWidth)].Clear();
            int bitPos = 0;
            for (int k = 0; k < count; k++)
            {
                ulong v = ulong.CreateTruncating(values[offset + k]);
                int byteIndex = bitPos >> 3;
                int shift = bitPos & 7;
                ulong chunk = v << shift;
                for (int b = 0; shift + bitWidth > 8 * b; b++) dest[byteIndex + b] |= (byte)(chunk >> (8 * b));
                bitPos += bitWidth;
            }
            output.Advance(groups * bitWidth);
            offset += count;
        }
    }
}
