using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Data.Parquet.Compression;

/// <summary>
/// The Snappy raw format (google/snappy format_description.txt): a varint uncompressed length, then
/// literal and copy elements. The compressor is the classic greedy hash-table matcher over 64 KiB
/// blocks with the "skip faster over incompressible data" heuristic; the decompressor checks every
/// offset and length so corrupt input fails with <see cref="ParquetFormatException"/>.
/// </summary>
public static class Snappy
{
    private const int BlockSize = 1 << 16;
    private const int HashBits = 14;
    // Matching reads 4-byte words; stopping this far from the end keeps every read in bounds.
    private const int InputMargin = 15;

    public static int MaxCompressedLength(int sourceLength) => 32 + sourceLength + sourceLength / 6;

    /// <summary>Compresses <paramref name="input"/> into <paramref name="output"/>, which must hold <see cref="MaxCompressedLength"/> bytes.</summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < MaxCompressedLength(input.Length)) throw new ArgumentException("Output buffer is smaller than MaxCompressedLength.", nameof(output));
        int op = WriteVarint(output, (uint)input.Length);
        Span<ushort> table = stackalloc ushort[1 << HashBits];
        for (int start = 0; start < input.Length; start += BlockSize)
        {
            var block = input.Slice(start, Math.Min(BlockSize, input.Length - start));
            table.Clear();
            op = CompressBlock(block, output, op, table);
        }
        return op;
    }

    public static byte[] Compress(ReadOnlySpan<byte> input)
    {
        var buffer = new byte[MaxCompressedLength(input.Length)];
        int n = Compress(input, buffer);
        return buffer.AsSpan(0, n).ToArray();
    }

    /// <summary>Reads the uncompressed length from the preamble.</summary>
    public static int GetUncompressedLength(ReadOnlySpan<byte> input)
    {
        int pos = 0;
        uint len = ReadVarint32(input, ref pos);
        if (len > int.MaxValue) throw new ParquetFormatException($"Snappy: uncompressed length {len} is too large");
        return (int)len;
    }

    /// <summary>Decompresses into <paramref name="output"/>, whose length must equal the preamble's length.</summary>
    public static void Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0;
        uint declared = ReadVarint32(input, ref ip);
        if (declared != (uint)output.Length)
            throw new ParquetFormatException($"Snappy: stream declares {declared} bytes, expected {output.Length}");
        int op = 0;
        while (ip < input.Length)
        {
            byte tag = input[ip++];
            switch (tag & 3)
            {
                case 0:
                    {
                        int len = tag >> 2;
                        if (len >= 60)
                        {
                            int extra = len - 59;
                            if (ip + extra > input.Length) throw Corrupt("literal length is truncated");
                            uint l = 0;
                            for (int b = 0; b < extra; b++) l |= (uint)input[ip + b] << (8 * b);
                            ip += extra;
                            if (l >= int.MaxValue) throw Corrupt("literal length is too large");
                            len = (int)l;
                        }
                        len += 1;
                        if (len > input.Length - ip) throw Corrupt("literal runs past the end of the input");
                        if (len > output.Length - op) throw Corrupt("literal runs past the declared length");
                        input.Slice(ip, len).CopyTo(output[op..]);
                        ip += len;
                        op += len;
                        break;
                    }
                case 1:
                    {
                        if (ip >= input.Length) throw Corrupt("copy offset is truncated");
                        int len = 4 + ((tag >> 2) & 7);
                        int offset = ((tag >> 5) << 8) | input[ip++];
                        Copy(output, ref op, offset, len);
                        break;
                    }
                case 2:
                    {
                        if (ip + 2 > input.Length) throw Corrupt("copy offset is truncated");
                        int len = (tag >> 2) + 1;
                        int offset = BinaryPrimitives.ReadUInt16LittleEndian(input[ip..]);
                        ip += 2;
                        Copy(output, ref op, offset, len);
                        break;
                    }
                default:
                    {
                        if (ip + 4 > input.Length) throw Corrupt("copy offset is truncated");
                        int len = (tag >> 2) + 1;
                        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(input[ip..]);
                        ip += 4;
                        if (offset > int.MaxValue) throw Corrupt("copy offset is too large");
                        Copy(output, ref op, (int)offset, len);
                        break;
                    }
            }
        }
        if (op != output.Length) throw Corrupt($"produced {op} bytes, the stream declares {output.Length}");
    }

    public static byte[] Decompress(ReadOnlySpan<byte> input)
    {
        var output = new byte[GetUncompressedLength(input)];
        Decompress(input, output);
        return output;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(Span<byte> output, ref int op, int offset, int len)
    {
        if (offset == 0 || offset > op) throw Corrupt($"copy offset {offset} at output position {op} is invalid");
        if (len > output.Length - op) throw Corrupt("copy runs past the declared length");
        int src = op - offset;
        if (offset >= len)
        {
            output.Slice(src, len).CopyTo(output[op..]);
        }
        else
        {
            // Overlapping copy: each byte may come from bytes this copy just wrote (run-length style).
            for (int i = 0; i < len; i++) output[op + i] = output[src + i];
        }
        op += len;
    }

    private static ParquetFormatException Corrupt(string message) => new($"Snappy: corrupt input: {message}");

    private static int CompressBlock(ReadOnlySpan<byte> block, Span<byte> output, int op, Span<ushort> table)
    {
        int len = block.Length;
        int nextEmit = 0;
        if (len >= InputMargin + 1)
        {
            ref byte b0 = ref MemoryMarshal.GetReference(block);
            int ipLimit = len - InputMargin;
            int ip = 1;
            while (true)
            {
                // Look for a 4-byte match, stepping further the longer nothing matches.
                int skip = 32;
                int candidate;
                while (true)
                {
                    uint word = Load32(ref b0, ip);
                    int h = Hash(word);
                    int bytesBetween = skip++ >> 5;
                    int nextIp = ip + bytesBetween;
                    candidate = table[h];
                    table[h] = (ushort)ip;
                    if (Load32(ref b0, candidate) == word) break;
                    ip = nextIp;
                    if (ip > ipLimit) goto emitRemainder;
                }
                op = EmitLiteral(block.Slice(nextEmit, ip - nextEmit), output, op);
                while (true)
                {
                    int matchStart = ip;
                    int matched = 4 + MatchLength(block, candidate + 4, ip + 4);
                    ip += matched;
                    op = EmitCopy(output, op, matchStart - candidate, matched);
                    nextEmit = ip;
                    if (ip >= ipLimit) goto emitRemainder;
                    table[Hash(Load32(ref b0, ip - 1))] = (ushort)(ip - 1);
                    uint word = Load32(ref b0, ip);
                    int h = Hash(word);
                    candidate = table[h];
                    table[h] = (ushort)ip;
                    if (Load32(ref b0, candidate) != word) break;
                }
                ip++;
                if (ip > ipLimit) goto emitRemainder;
            }
        }
    emitRemainder:
        if (nextEmit < len) op = EmitLiteral(block[nextEmit..], output, op);
        return op;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Load32(ref byte b0, int index) => Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b0, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(uint word) => (int)((word * 0x1e35a7bdu) >> (32 - HashBits));

    private static int MatchLength(ReadOnlySpan<byte> block, int a, int b)
    {
        int n = 0;
        int limit = block.Length - b;
        while (n + 8 <= limit)
        {
            ulong x = MemoryMarshal.Read<ulong>(block[(a + n)..]) ^ MemoryMarshal.Read<ulong>(block[(b + n)..]);
            if (x != 0) return n + (BitOperations.TrailingZeroCount(x) >> 3);
            n += 8;
        }
        while (n < limit && block[a + n] == block[b + n]) n++;
        return n;
    }

    private static int EmitLiteral(ReadOnlySpan<byte> literal, Span<byte> output, int op)
    {
        int n = literal.Length - 1;
        if (n < 60)
        {
            output[op++] = (byte)(n << 2);
        }
        else
        {
            int bytes = n < 1 << 8 ? 1 : n < 1 << 16 ? 2 : n < 1 << 24 ? 3 : 4;
            output[op++] = (byte)((59 + bytes) << 2);
            for (int b = 0; b < bytes; b++) output[op++] = (byte)(n >> (8 * b));
        }
        literal.CopyTo(output[op..]);
        return op + literal.Length;
    }

    private static int EmitCopy(Span<byte> output, int op, int offset, int len)
    {
        // Long matches are cut into 64-byte copies, leaving a tail of at least 4 for the 1-byte-offset form.
        while (len >= 68)
        {
            op = EmitCopy2(output, op, offset, 64);
            len -= 64;
        }
        if (len > 64)
        {
            op = EmitCopy2(output, op, offset, 60);
            len -= 60;
        }
        if (len < 12 && offset < 2048)
        {
            output[op++] = (byte)(1 | ((len - 4) << 2) | ((offset >> 8) << 5));
            output[op++] = (byte)offset;
            return op;
        }
        return EmitCopy2(output, op, offset, len);
    }

    private static int EmitCopy2(Span<byte> output, int op, int offset, int len)
    {
        output[op++] = (byte)(2 | ((len - 1) << 2));
        BinaryPrimitives.WriteUInt16LittleEndian(output[op..], (ushort)offset);
        return op + 2;
    }

    private static int WriteVarint(Span<byte> output, uint v)
    {
        int i = 0;
        while (v >= 0x80)
        {
            output[i++] = (byte)(v | 0x80);
            v >>= 7;
        }
        output[i++] = (byte)v;
        return i;
    }

    private static uint ReadVarint32(ReadOnlySpan<byte> input, ref int pos)
    {
        uint result = 0;
        for (int shift = 0; shift <= 28; shift += 7)
        {
            if (pos >= input.Length) throw Corrupt("length preamble is truncated");
            byte b = input[pos++];
            if (shift == 28 && b > 0x0F) throw Corrupt("length preamble overflows 32 bits");
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Corrupt("length preamble is too long");
    }
}
