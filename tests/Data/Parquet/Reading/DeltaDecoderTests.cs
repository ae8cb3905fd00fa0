using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Reading;

namespace Pipeline.Tests.Data.Parquet.Reading;

/// <summary>Vectors built by hand from the grammar in Encodings.md (DuckDB's v2 files cover the rest).</summary>
public class DeltaDecoderTests
{
    // Header: block size 128 (80 01), 4 miniblocks, then the value count and the zigzag first value.
    [Fact]
    public void Delta_binary_packed_spec_example_1()
    {
        // 1, 2, 3, 4, 5: min delta 1, every miniblock width 0.
        byte[] data = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0];
        var output = new long[5];
        int used = DeltaDecoders.DecodeBinaryPacked(data, output, is32Bit: true, "t");
        Assert.Equal([1, 2, 3, 4, 5], output);
        Assert.Equal(data.Length, used);
    }

    [Fact]
    public void Delta_binary_packed_spec_example_2()
    {
        // 7, 5, 3, 1, 2, 3, 4, 5: deltas -2 -2 -2 1 1 1 1, min delta -2, relative 0 0 0 3 3 3 3 at 2 bits.
        byte[] data = [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0, 0xC0, 0xFF, 0, 0, 0, 0, 0, 0];
        var output = new long[8];
        DeltaDecoders.DecodeBinaryPacked(data, output, is32Bit: false, "t");
        Assert.Equal([7, 5, 3, 1, 2, 3, 4, 5], output);
    }

    [Fact]
    public void Delta_byte_array_rebuilds_prefixes()
    {
        // "abc", "abd", "xyz": prefix lengths 0 2 0, suffixes "abc" "d" "xyz".
        byte[] prefixes = [0x80, 0x01, 0x04, 0x03, 0x00, 0x03, 3, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] suffixLengths = [0x80, 0x01, 0x04, 0x03, 0x06, 0x03, 3, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] data = [.. prefixes, .. suffixLengths, .. "abcdxyz"u8];
        var values = new ValueBuffer(PhysicalType.ByteArray, 0, "t");
        DeltaDecoders.DecodeByteArray(data, 3, values, "t");
        var strings = Enumerable.Range(0, 3).Select(i => System.Text.Encoding.ASCII.GetString(values.Bytes, values.Offsets[i], values.Offsets[i + 1] - values.Offsets[i]));
        Assert.Equal(["abc", "abd", "xyz"], strings);
    }

    [Fact]
    public void Byte_stream_split_interleaves_bytes()
    {
        // Two floats 1.0f (00 00 80 3F) and 2.0f (00 00 00 40), stream b holds byte b of each value.
        byte[] data = [0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3F, 0x40];
        var values = new ValueBuffer(PhysicalType.Float, 0, "t");
        DeltaDecoders.DecodeByteStreamSplit(data, 2, values, "t");
        Assert.Equal([1f, 2f], values.Floats.AsSpan(0, 2).ToArray());
    }

    [Fact]
    public void Invalid_headers_raise_format_exceptions()
    {
        var output = new long[3];
        Assert.Throws<ParquetFormatException>(() => DeltaDecoders.DecodeBinaryPacked([0x64, 0x04, 0x03, 0x00], output, true, "t")); // block 100
        Assert.Throws<ParquetFormatException>(() => DeltaDecoders.DecodeBinaryPacked([0x80, 0x01, 0x04, 0x01, 0x00], output, true, "t")); // fewer values than needed
        Assert.Throws<ParquetFormatException>(() => DeltaDecoders.DecodeBinaryPacked([0x80, 0x01, 0x04, 0x03, 0x00, 0x00, 9], output, true, "t")); // truncated
    }
}
