using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Pipeline.Data.Parquet.Encodings;
using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Parquet.Writing;

/// <summary>The non-null values of one column chunk, in pooled memory, with their PLAIN form and statistics.</summary>
internal abstract class ChunkValues : IDisposable
{
    public abstract int Count { get; }

    /// <summary>Size of values [from, to) in PLAIN encoding.</summary>
    public abstract long PlainSize(int from, int to);

    public abstract void WritePlain(int from, int to, ByteBuffer output);

    /// <summary>Min/max in the column's sort order, PLAIN-encoded; null when there is no non-null, non-NaN value.</summary>
    public abstract (byte[] Min, byte[] Max, bool Exact)? MinMax(int maxLength);

    public virtual DictionaryEncoded? TryDictionary(int byteLimit) => null;

    public abstract void Dispose();
}

/// <summary>Values already mapped to dictionary ids, plus the PLAIN-encoded dictionary.</summary>
internal sealed class DictionaryEncoded(ByteBuffer dictionaryPlain, int dictionaryCount, int[] indices, int count) : IDisposable
{
    public ByteBuffer DictionaryPlain { get; } = dictionaryPlain;
    public int DictionaryCount { get; } = dictionaryCount;
    public int[] Indices { get; } = indices;
    public int Count { get; } = count;
    public int BitWidth { get; } = RleHybridEncoder.BitWidth(Math.Max(0, dictionaryCount - 1));

    public void Dispose()
    {
        DictionaryPlain.Dispose();
        ArrayPool<int>.Shared.Return(Indices);
    }
}

internal sealed class FixedChunkValues<T> : ChunkValues where T : unmanaged, IComparable<T>
{
    private readonly T[] _values;
    private readonly int _count;
    private readonly bool _unsigned;

    public FixedChunkValues(T[] pooled, int count, bool unsignedOrder)
    {
        _values = pooled;
        _count = count;
        _unsigned = unsignedOrder;
    }

    public override int Count => _count;

    public override long PlainSize(int from, int to) => (long)(to - from) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    public override void WritePlain(int from, int to, ByteBuffer output)
    {
        // Parquet is little-endian, like every platform .NET runs this on.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        output.Write(MemoryMarshal.AsBytes(_values.AsSpan(from, to - from)));
    }

    public override (byte[] Min, byte[] Max, bool Exact)? MinMax(int maxLength)
    {
        var span = _values.AsSpan(0, _count);
        bool found = false;
        T min = default, max = default;
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        {
            foreach (var v in span)
            {
                double d = typeof(T) == typeof(float) ? (float)(object)v : (double)(object)v;
                if (double.IsNaN(d)) continue;
                if (!found) { min = max = v; found = true; continue; }
                if (v.CompareTo(min) < 0) min = v;
                if (v.CompareTo(max) > 0) max = v;
            }
            if (!found) return null;
            // The spec asks for -0.0 as a zero minimum and +0.0 as a zero maximum.
            if (typeof(T) == typeof(float))
            {
                if ((float)(object)min == 0f) min = (T)(object)(-0f);
                if ((float)(object)max == 0f) max = (T)(object)0f;
            }
            else
            {
                if ((double)(object)min == 0d) min = (T)(object)(-0d);
                if ((double)(object)max == 0d) max = (T)(object)0d;
            }
        }
        else if (_count > 0)
        {
            min = max = span[0];
            found = true;
            foreach (var v in span)
            {
                if (Less(v, min)) min = v;
                if (Less(max, v)) max = v;
            }
        }
        if (!found) return null;
        return (ToBytes(min), ToBytes(max), true);
    }

    private bool Less(T a, T b)
    {
        if (!_unsigned) return a.CompareTo(b) < 0;
        if (typeof(T) == typeof(int)) return (uint)(int)(object)a < (uint)(int)(object)b;
        if (typeof(T) == typeof(long)) return (ulong)(long)(object)a < (ulong)(long)(object)b;
        return a.CompareTo(b) < 0;
    }

    private static byte[] ToBytes(T v) => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in v)).ToArray();

    public override void Dispose() => ArrayPool<T>.Shared.Return(_values);
}

internal sealed class BooleanChunkValues(bool[] pooled, int count) : ChunkValues
{
    public override int Count => count;

    public override long PlainSize(int from, int to) => (to - from + 7) / 8;

    public override void WritePlain(int from, int to, ByteBuffer output)
    {
        int bytes = (to - from + 7) / 8;
        Span<byte> dest = output.GetSpan(bytes)[..bytes];
        dest.Clear();
        for (int i = from; i < to; i++)
        {
            if (pooled[i]) dest[(i - from) >> 3] |= (byte)(1 << ((i - from) & 7));
        }
        output.Advance(bytes);
    }

    public override (byte[] Min, byte[] Max, bool Exact)? MinMax(int maxLength)
    {
        if (count == 0) return null;
        bool any = false, all = true;
        for (int i = 0; i < count; i++)
        {
            any |= pooled[i];
            all &= pooled[i];
        }
        return (new[] { (byte)(all ? 1 : 0) }, new[] { (byte)(any ? 1 : 0) }, true);
    }

    public override void Dispose() => ArrayPool<bool>.Shared.Return(pooled);
}

/// <summary>Byte-array values packed back to back: value i is Data[Offsets[i]..Offsets[i+1]].</summary>
internal sealed class ByteArrayChunkValues(ByteBuffer data, int[] offsets, int count) : ChunkValues
{
    public override int Count => count;

    private ReadOnlySpan<byte> Value(int i) => data.WrittenSpan[offsets[i]..offsets[i + 1]];

    public override long PlainSize(int from, int to) => 4L * (to - from) + offsets[to] - offsets[from];

    public override void WritePlain(int from, int to, ByteBuffer output)
    {
        Span<byte> dest = output.GetSpan(checked((int)PlainSize(from, to)));
        var src = data.WrittenSpan;
        int p = 0;
        for (int i = from; i < to; i++)
        {
            int start = offsets[i], len = offsets[i + 1] - start;
            BinaryPrimitives.WriteInt32LittleEndian(dest[p..], len);
            src.Slice(start, len).CopyTo(dest[(p + 4)..]);
            p += 4 + len;
        }
        output.Advance(p);
    }

    public override (byte[] Min, byte[] Max, bool Exact)? MinMax(int maxLength)
    {
        if (count == 0) return null;
        int min = 0, max = 0;
        for (int i = 1; i < count; i++)
        {
            var v = Value(i);
            if (v.SequenceCompareTo(Value(min)) < 0) min = i;
            if (v.SequenceCompareTo(Value(max)) > 0) max = i;
        }
        var minBytes = Value(min);
        var maxBytes = Value(max);
        bool exact = true;
        byte[] minOut = minBytes.Length <= maxLength ? minBytes.ToArray() : minBytes[..maxLength].ToArray();
        exact &= minBytes.Length <= maxLength;
        byte[]? maxOut = maxBytes.Length <= maxLength ? maxBytes.ToArray() : TruncateUp(maxBytes, maxLength);
        exact &= maxBytes.Length <= maxLength;
        if (maxOut is null) return null;
        return (minOut, maxOut, exact);
    }

    /// <summary>A prefix of at most <paramref name="length"/> bytes that still sorts at or above the value.</summary>
    private static byte[]? TruncateUp(ReadOnlySpan<byte> value, int length)
    {
        var prefix = value[..length].ToArray();
        for (int i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != 0xFF)
            {
                prefix[i]++;
                return prefix.AsSpan(0, i + 1).ToArray();
            }
        }
        return null;
    }

    public override DictionaryEncoded? TryDictionary(int byteLimit)
    {
        if (count == 0) return null;
        var table = new ByteArrayHashTable(data.RawBuffer, Math.Min(count, 1 << 16));
        int[] indices = ArrayPool<int>.Shared.Rent(count);
        long uniqueBytes = 0;
        for (int i = 0; i < count; i++)
        {
            int id = table.GetOrAdd(offsets[i], offsets[i + 1] - offsets[i], out bool added);
            if (added)
            {
                uniqueBytes += 4 + offsets[i + 1] - offsets[i];
                if (uniqueBytes > byteLimit)
                {
                    ArrayPool<int>.Shared.Return(indices);
                    return null;
                }
            }
            indices[i] = id;
        }
        // Dictionary pays off only when ids plus dictionary beat the plain bytes.
        int bitWidth = RleHybridEncoder.BitWidth(Math.Max(0, table.Count - 1));
        long dictionaryCost = uniqueBytes + ((long)count * bitWidth + 7) / 8;
        if (dictionaryCost >= PlainSize(0, count))
        {
            ArrayPool<int>.Shared.Return(indices);
            return null;
        }
        var dictionary = new ByteBuffer((int)Math.Min(uniqueBytes + 16, int.MaxValue));
        var src = data.WrittenSpan;
        foreach (var (start, len) in table.Entries())
        {
            dictionary.WriteInt32LittleEndian(len);
            dictionary.Write(src.Slice(start, len));
        }
        return new DictionaryEncoded(dictionary, table.Count, indices, count);
    }

    public override void Dispose()
    {
        data.Dispose();
        ArrayPool<int>.Shared.Return(offsets);
    }
}
