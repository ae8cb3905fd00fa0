using System.IO.Compression;
using Pipeline.Data.Parquet.Encodings;
using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Parquet.Compression;

/// <summary>Compresses and decompresses page bodies for the codecs this library supports.</summary>
internal static class PageCompressor
{
    // Worst-case expansion ratios bound the declared uncompressed size of a page before anything is
    // allocated: Snappy cannot beat 64 output bytes per 3 input bytes, DEFLATE 1032:1.
    private const long SnappyMaxRatio = 22;
    private const long DeflateMaxRatio = 1040;

    public static bool CanWrite(CompressionCodec codec) =>
        codec is CompressionCodec.Uncompressed or CompressionCodec.Snappy or CompressionCodec.Gzip;

    /// <summary>Appends the compressed form of <paramref name="input"/> to <paramref name="output"/>.</summary>
    public static void Compress(CompressionCodec codec, ReadOnlySpan<byte> input, ByteBuffer output, CompressionLevel gzipLevel)
    {
        switch (codec)
        {
            case CompressionCodec.Uncompressed:
                output.Write(input);
                break;
            case CompressionCodec.Snappy:
                {
                    Span<byte> dest = output.GetSpan(Snappy.MaxCompressedLength(input.Length));
                    output.Advance(Snappy.Compress(input, dest));
                    break;
                }
            case CompressionCodec.Gzip:
                {
                    using var sink = new ByteBufferStream(output);
                    using (var gz = new GZipStream(sink, gzipLevel, leaveOpen: true)) gz.Write(input);
                    break;
                }
            default:
                throw new ParquetNotSupportedException($"Writing with the {Name(codec)} codec is not supported; use UNCOMPRESSED, SNAPPY or GZIP.");
        }
    }

    /// <summary>Decompresses a whole page body into <paramref name="output"/>, whose size is the declared uncompressed size.</summary>
    public static void Decompress(CompressionCodec codec, ReadOnlySpan<byte> input, Span<byte> output, string what)
    {
        switch (codec)
        {
            case CompressionCodec.Uncompressed:
                if (input.Length != output.Length)
                    throw new ParquetFormatException($"{what}: uncompressed page holds {input.Length} bytes but declares {output.Length}");
                input.CopyTo(output);
                break;
            case CompressionCodec.Snappy:
                try
                {
                    Snappy.Decompress(input, output);
                }
                catch (ParquetFormatException e)
                {
                    throw new ParquetFormatException($"{what}: {e.Message}", e);
                }
                break;
            case CompressionCodec.Gzip:
                DecompressStream(input, output, what, s => new GZipStream(s, CompressionMode.Decompress));
                break;
            case CompressionCodec.Brotli:
                DecompressStream(input, output, what, s => new BrotliStream(s, CompressionMode.Decompress));
                break;
            default:
                throw new ParquetNotSupportedException(
                    $"{what}: the {Name(codec)} codec is not supported by this reader (supported: UNCOMPRESSED, SNAPPY, GZIP, BROTLI). " +
                    "Rewrite the file with one of those, e.g. DuckDB: COPY (...) TO 'x.parquet' (COMPRESSION snappy).");
        }
    }

    /// <summary>Rejects declared sizes that no valid stream of this codec could reach from its compressed size.</summary>
    public static void CheckDeclaredSize(CompressionCodec codec, long compressed, long uncompressed, string what)
    {
        long bound = codec switch
        {
            CompressionCodec.Uncompressed => compressed,
            CompressionCodec.Snappy => compressed * SnappyMaxRatio + 64,
            CompressionCodec.Gzip or CompressionCodec.Brotli => compressed * DeflateMaxRatio + 1024,
            _ => long.MaxValue,
        };
        if (uncompressed > bound || uncompressed > Array.MaxLength)
            throw new ParquetFormatException($"{what}: declared uncompressed size {uncompressed} is impossible for {compressed} compressed bytes of {Name(codec)}");
    }

    public static string Name(CompressionCodec codec) => codec switch
    {
        CompressionCodec.Uncompressed => "UNCOMPRESSED",
        CompressionCodec.Snappy => "SNAPPY",
        CompressionCodec.Gzip => "GZIP",
        CompressionCodec.Lzo => "LZO",
        CompressionCodec.Brotli => "BROTLI",
        CompressionCodec.Lz4 => "LZ4",
        CompressionCodec.Zstd => "ZSTD",
        CompressionCodec.Lz4Raw => "LZ4_RAW",
        _ => $"unknown codec {(int)codec}",
    };

    private static unsafe void DecompressStream(ReadOnlySpan<byte> input, Span<byte> output, string what, Func<Stream, Stream> open)
    {
        try
        {
            fixed (byte* p = input)
            {
                using var source = new UnmanagedMemoryStream(p, input.Length);
                using var stream = open(source);
                int total = 0;
                while (total < output.Length)
                {
                    int n = stream.Read(output[total..]);
                    if (n == 0) break;
                    total += n;
                }
                if (total != output.Length)
                    throw new ParquetFormatException($"{what}: compressed stream yields {total} bytes, the page declares {output.Length}");
                Span<byte> probe = stackalloc byte[1];
                if (stream.Read(probe) != 0)
                    throw new ParquetFormatException($"{what}: compressed stream yields more than the declared {output.Length} bytes");
            }
        }
        catch (InvalidDataException e)
        {
            throw new ParquetFormatException($"{what}: corrupt compressed data: {e.Message}", e);
        }
    }
}
