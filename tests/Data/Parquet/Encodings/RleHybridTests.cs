using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Encodings;

namespace Pipeline.Tests.Data.Parquet.Encodings;

public class RleHybridTests
{
    [Fact]
    public void Bit_packed_run_matches_the_spec_example()
    {
        // Encodings.md: 0..7 at bit width 3 pack LSB-first into 10001000 11000110 11111010.
        using var buffer = new ByteBuffer();
        RleHybridEncoder.Encode<int>([0, 1, 2, 3, 4, 5, 6, 7], 3, buffer);
        Assert.Equal(new byte[] { 0x03, 0x88, 0xC6, 0xFA }, buffer.WrittenSpan.ToArray());
        var decoded = new int[8];
        RleHybridDecoder.Decode<int>([0x03, 0x88, 0xC6, 0xFA], 3, decoded, "test");
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], decoded);
    }

    [Fact]
    public void Rle_run_is_a_varint_count_and_a_byte_aligned_value()
    {
        using var buffer = new ByteBuffer();
        var values = Enumerable.Repeat(5, 100).ToArray();
        RleHybridEncoder.Encode<int>(values, 3, buffer);
        // header 100 << 1 = 200 = varint C8 01, then the value in one byte.
        Assert.Equal(new byte[] { 0xC8, 0x01, 0x05 }, buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Deprecated_bit_packed_levels_are_msb_first()
    {
        // Encodings.md BIT_PACKED example: 0..7 at width 3 is 00000101 00111001 01110111.
        var decoded = new byte[8];
        RleHybridDecoder.DecodeBitPackedMsbFirst<byte>([0x05, 0x39, 0x77], 3, decoded, "test");
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 }, decoded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(20)]
    [InlineData(32)]
    public void Mixed_runs_round_trip_at_every_width(int bitWidth)
    {
        var rng = new Random(bitWidth);
        long max = bitWidth == 0 ? 0 : (1L << bitWidth) - 1;
        var values = new List<int>();
        while (values.Count < 5000)
        {
            int v = (int)(uint)rng.NextInt64(0, max + 1);
            int run = rng.Next(3) == 0 ? rng.Next(8, 300) : rng.Next(1, 9);
            for (int i = 0; i < run; i++) values.Add(rng.Next(4) == 0 ? (int)(uint)rng.NextInt64(0, max + 1) : v);
        }
        using var buffer = new ByteBuffer();
        RleHybridEncoder.Encode<int>(values.ToArray(), bitWidth, buffer);
        var decoded = new int[values.Count];
        RleHybridDecoder.Decode<int>(buffer.WrittenSpan, bitWidth, decoded, "test");
        Assert.Equal(values.ToArray(), decoded);
        Assert.Equal(values.ToArray(), ReferenceDecode(buffer.WrittenSpan.ToArray(), bitWidth, values.Count));
    }

    /// <summary>Bit-at-a-time decoder written straight from the grammar in Encodings.md.</summary>
    private static int[] ReferenceDecode(byte[] data, int bitWidth, int count)
    {
        var result = new List<int>();
        int pos = 0;
        while (result.Count < count)
        {
            ulong header = 0;
            int shift = 0;
            while (true)
            {
                byte b = data[pos++];
                header |= (ulong)(b & 0x7F) << shift;
                shift += 7;
                if (b < 0x80) break;
            }
            if ((header & 1) == 1)
            {
                int n = (int)(header >> 1) * 8;
                long bit = (long)pos * 8;
                for (int i = 0; i < n; i++)
                {
                    int v = 0;
                    for (int k = 0; k < bitWidth; k++, bit++) v |= ((data[bit / 8] >> (int)(bit % 8)) & 1) << k;
                    result.Add(v);
                }
                pos += n * bitWidth / 8;
            }
            else
            {
                int n = (int)(header >> 1);
                int v = 0;
                for (int k = 0; k < (bitWidth + 7) / 8; k++) v |= data[pos++] << (8 * k);
                for (int i = 0; i < n; i++) result.Add(v);
            }
        }
        return result.Take(count).ToArray();
    }

    [Fact]
    public void Truncated_or_oversized_input_raises_a_format_exception()
    {
        var output = new int[16];
        Assert.Throws<ParquetFormatException>(() => RleHybridDecoder.Decode<int>([0x03, 0x88], 3, output, "t"));
        Assert.Throws<ParquetFormatException>(() => RleHybridDecoder.Decode<int>([], 3, output, "t"));
        Assert.Throws<ParquetFormatException>(() => RleHybridDecoder.Decode<int>([0x00], 3, output, "t"));
        Assert.Throws<ParquetFormatException>(() => RleHybridDecoder.Decode<int>([0x20, 0x09], 3, output, "t"));
        Assert.Throws<ParquetFormatException>(() => RleHybridDecoder.Decode<int>([0x20, 0x01], 33, output, "t"));
    }
}
