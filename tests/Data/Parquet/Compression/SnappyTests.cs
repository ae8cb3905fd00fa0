using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Compression;

namespace Pipeline.Tests.Data.Parquet.Compression;

/// <summary>Known vectors built by hand from google/snappy format_description.txt, plus round trips.</summary>
public class SnappyTests
{
    public static TheoryData<byte[], string> Vectors => new()
    {
        // Empty input: only the zero-length preamble.
        { [0x00], "" },
        // One literal of 1 byte: tag = (len-1) << 2.
        { [0x01, 0x00, (byte)'a'], "a" },
        // Literal "abcd" then a 1-byte-offset copy (tag 01, len 4, offset 4).
        { [0x08, 0x0C, (byte)'a', (byte)'b', (byte)'c', (byte)'d', 0x01, 0x04], "abcdabcd" },
        // Overlapping copy: offset 2, length 6 repeats "ab" (len-4 = 2 in bits 2..4).
        { [0x08, 0x04, (byte)'a', (byte)'b', 0x09, 0x02], "abababab" },
        // 2-byte-offset copy: tag 10, len 10 ((10-1) << 2), offset 3 little-endian.
        { [0x0D, 0x08, (byte)'x', (byte)'y', (byte)'z', 0x26, 0x03, 0x00], "xyzxyzxyzxyzx" },
        // 4-byte-offset copy: tag 11, len 3, offset 3.
        { [0x06, 0x08, (byte)'x', (byte)'y', (byte)'z', 0x0B, 0x03, 0x00, 0x00, 0x00], "xyzxyz" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Decodes_known_vectors(byte[] compressed, string expected)
    {
        Assert.Equal(System.Text.Encoding.ASCII.GetBytes(expected), Snappy.Decompress(compressed));
    }

    [Fact]
    public void Long_literal_uses_the_extra_length_bytes()
    {
        var data = Enumerable.Range(0, 100).Select(i => (byte)(i * 37)).ToArray();
        // Preamble 100, tag 60 << 2 says "one extra byte holds len-1", then 99.
        byte[] stream = [100, 0xF0, 99, .. data];
        Assert.Equal(data, Snappy.Decompress(stream));
    }

    [Fact]
    public void Preamble_is_a_little_endian_varint()
    {
        // format_description.txt: 2097150 (0x1FFFFE) is stored as FE FF 7F.
        Assert.Equal(2097150, Snappy.GetUncompressedLength([0xFE, 0xFF, 0x7F]));
        Assert.Equal(64, Snappy.GetUncompressedLength([0x40]));
    }

    [Fact]
    public void Compressor_output_for_a_short_input_is_one_literal()
    {
        Assert.Equal(new byte[] { 0x03, 0x08, (byte)'a', (byte)'b', (byte)'c' }, Snappy.Compress("abc"u8));
        Assert.Equal(new byte[] { 0x00 }, Snappy.Compress([]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(300_000)]
    public void Round_trips_random_repetitive_and_text_data(int length)
    {
        var rng = new Random(length);
        var random = new byte[length];
        rng.NextBytes(random);
        var repetitive = new byte[length];
        for (int i = 0; i < length; i++) repetitive[i] = (byte)(i % 7 == 0 ? rng.Next(3) : i % 13);
        var text = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, length / 4 + 1).Select(i => $"tok{i % 50} ")))[..length];
        foreach (var input in new[] { random, repetitive, text, new byte[length] })
        {
            var compressed = Snappy.Compress(input);
            Assert.True(compressed.Length <= Snappy.MaxCompressedLength(length));
            Assert.Equal(input, Snappy.Decompress(compressed));
        }
        if (length >= 65536)
        {
            Assert.True(Snappy.Compress(new byte[length]).Length < length / 20, "zeros must compress well");
            Assert.True(Snappy.Compress(text).Length < length / 2, "repetitive text must compress");
        }
    }

    public static TheoryData<byte[]> Corrupt => new()
    {
        { [] },                                   // no preamble
        { [0x05, 0x00, (byte)'a'] },              // declares 5 bytes, produces 1
        { [0x02, 0x04, (byte)'a'] },              // literal of 2 with 1 byte left
        { [0x04, 0x00, (byte)'a', 0x01, 0x00] },  // copy with offset 0
        { [0x05, 0x00, (byte)'a', 0x01, 0x02] },  // copy reaching before the start
        { [0x02, 0x00, (byte)'a', 0x01, 0x01] },  // copy past the declared length
        { [0x80, 0x80, 0x80, 0x80, 0x80, 0x01] }, // preamble longer than 32 bits
        { [0x03, 0xF4, 0xFF, 0xFF, 0xFF] },       // literal length field truncated
    };

    [Theory]
    [MemberData(nameof(Corrupt))]
    public void Corrupt_input_raises_a_format_exception(byte[] input)
    {
        Assert.Throws<ParquetFormatException>(() => Snappy.Decompress(input));
    }
}
