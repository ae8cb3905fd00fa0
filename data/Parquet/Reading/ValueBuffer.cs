using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Parquet.Reading;

/// <summary>
/// Growable typed storage for decoded values. Capacity grows by what each page declares, never by
/// what the footer claims for the whole chunk, so a corrupt count cannot trigger one huge allocation.
/// </summary>
internal sealed class ValueBuffer
{
    private readonly string _what;

    public ValueBuffer(PhysicalType type, int typeLength, string what)
    {
        Type = type;
        TypeLength = type switch
        {
            PhysicalType.Int96 => 12,
            PhysicalType.FixedLenByteArray => typeLength,
            _ => 0,
        };
        _what = what;
    }

    public PhysicalType Type { get; }
    public int TypeLength { get; }
    public int Count { get; private set; }
    public bool[] Booleans = [];
    public int[] Int32s = [];
    public long[] Int64s = [];
    public float[] Floats = [];
    public double[] Doubles = [];
    public byte[] Bytes = [];
    public int[] Offsets = [0];
    public int ByteLength;

    public bool IsByteArray => Type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray or PhysicalType.Int96;

    public void Reserve(int extra)
    {
        long need = (long)Count + extra;
        switch (Type)
        {
            case PhysicalType.Boolean: Grow(ref Booleans, need); break;
            case PhysicalType.Int32: Grow(ref Int32s, need); break;
            case PhysicalType.Int64: Grow(ref Int64s, need); break;
            case PhysicalType.Float: Grow(ref Floats, need); break;
            case PhysicalType.Double: Grow(ref Doubles, need); break;
            default: Grow(ref Offsets, need + 1); break;
        }
    }

    private static void Grow<T>(ref T[] array, long need)
    {
        if (need <= array.Length) return;
        if (need > Array.MaxLength) throw new ParquetFormatException($"Column needs {need} values, more than an array can hold.");
        long size = Math.Min(Array.MaxLength, Math.Max(need, (long)array.Length * 2));
        Array.Resize(ref array, (int)size);
    }

    private void ReserveBytes(long extra)
    {
        long need = ByteLength + extra;
        if (need > Array.MaxLength) throw new ParquetFormatException($"{_what}: byte-array values exceed 2 GiB in one column chunk.");
        if (need > Bytes.Length) Array.Resize(ref Bytes, (int)Math.Min(Array.MaxLength, Math.Max(need, (long)Bytes.Length * 2)));
    }

    public void AppendByteArray(ReadOnlySpan<byte> value)
    {
        ReserveBytes(value.Length);
        value.CopyTo(Bytes.AsSpan(ByteLength));
        ByteLength += value.Length;
        Offsets[++Count] = ByteLength;
    }

    /// <summary>Decodes <paramref name="count"/> PLAIN values; returns the bytes consumed.</summary>
    public int AppendPlain(ReadOnlySpan<byte> data, int count)
    {
        Reserve(count);
        switch (Type)
        {
            case PhysicalType.Boolean:
                {
                    int bytes = (count + 7) / 8;
                    if (bytes > data.Length) throw Truncated(count);
                    for (int i = 0; i < count; i++) Booleans[Count + i] = ((data[i >> 3] >> (i & 7)) & 1) != 0;
                    Count += count;
                    return bytes;
                }
            case PhysicalType.Int32: return CopyFixed(data, Int32s, count);
            case PhysicalType.Int64: return CopyFixed(data, Int64s, count);
            case PhysicalType.Float: return CopyFixed(data, Floats, count);
            case PhysicalType.Double: return CopyFixed(data, Doubles, count);
            case PhysicalType.ByteArray:
                {
                    int pos = 0;
                    for (int i = 0; i < count; i++)
                    {
                        if (data.Length - pos < 4) throw Truncated(count);
                        uint len = BinaryPrimitives.ReadUInt32LittleEndian(data[pos..]);
                        pos += 4;
                        if (len > (uint)(data.Length - pos)) throw new ParquetFormatException($"{_what}: byte array of length {len} runs past the page end");
                        AppendByteArray(data.Slice(pos, (int)len));
                        pos += (int)len;
                    }
                    return pos;
                }
            default:
                {
                    long bytes = (long)count * TypeLength;
                    if (bytes > data.Length) throw Truncated(count);
                    for (int i = 0; i < count; i++) AppendByteArray(data.Slice(i * TypeLength, TypeLength));
                    return (int)bytes;
                }
        }
    }

    private int CopyFixed<T>(ReadOnlySpan<byte> data, T[] target, int count) where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        long bytes = (long)count * size;
        if (bytes > data.Length) throw Truncated(count);
        MemoryMarshal.Cast<byte, T>(data[..(int)bytes]).CopyTo(target.AsSpan(Count));
        Count += count;
        return (int)bytes;
    }

    /// <summary>Appends dictionary[indices[i]] for each index, checking every index.</summary>
    public void AppendFromDictionary(ValueBuffer dictionary, ReadOnlySpan<int> indices)
    {
        Reserve(indices.Length);
        int n = dictionary.Count;
        foreach (int idx in indices)
        {
            if ((uint)idx >= (uint)n) throw new ParquetFormatException($"{_what}: dictionary index {idx} is out of range (dictionary has {n} entries)");
        }
        switch (Type)
        {
            case PhysicalType.Boolean: Gather(dictionary.Booleans, Booleans, indices); break;
            case PhysicalType.Int32: Gather(dictionary.Int32s, Int32s, indices); break;
            case PhysicalType.Int64: Gather(dictionary.Int64s, Int64s, indices); break;
            case PhysicalType.Float: Gather(dictionary.Floats, Floats, indices); break;
            case PhysicalType.Double: Gather(dictionary.Doubles, Doubles, indices); break;
            default:
                {
                    long total = 0;
                    foreach (int idx in indices) total += dictionary.Offsets[idx + 1] - dictionary.Offsets[idx];
                    ReserveBytes(total);
                    foreach (int idx in indices)
                    {
                        int start = dictionary.Offsets[idx], len = dictionary.Offsets[idx + 1] - start;
                        dictionary.Bytes.AsSpan(start, len).CopyTo(Bytes.AsSpan(ByteLength));
                        ByteLength += len;
                        Offsets[++Count] = ByteLength;
                    }
                    return;
                }
        }
        Count += indices.Length;
    }

    private void Gather<T>(T[] source, T[] target, ReadOnlySpan<int> indices)
    {
        int c = Count;
        for (int i = 0; i < indices.Length; i++) target[c + i] = source[indices[i]];
    }

    public void AppendInt32(int v) { Int32s[Count++] = v; }

    public void AppendInt64(long v) { Int64s[Count++] = v; }

    public void AppendBoolean(bool v) { Booleans[Count++] = v; }

    /// <summary>Appends raw little-endian values of the column's fixed width (BYTE_STREAM_SPLIT output).</summary>
    public void AppendFixedBytes(ReadOnlySpan<byte> raw, int count)
    {
        switch (Type)
        {
            case PhysicalType.Int32: CopyFixed(raw, Int32s, count); break;
            case PhysicalType.Int64: CopyFixed(raw, Int64s, count); break;
            case PhysicalType.Float: CopyFixed(raw, Floats, count); break;
            case PhysicalType.Double: CopyFixed(raw, Doubles, count); break;
            case PhysicalType.FixedLenByteArray:
                for (int i = 0; i < count; i++) AppendByteArray(raw.Slice(i * TypeLength, TypeLength));
                break;
            default: throw new ParquetFormatException($"{_what}: BYTE_STREAM_SPLIT is not valid for {Type}");
        }
    }

    public int FixedWidth => Type switch
    {
        PhysicalType.Int32 or PhysicalType.Float => 4,
        PhysicalType.Int64 or PhysicalType.Double => 8,
        _ => TypeLength,
    };

    private ParquetFormatException Truncated(int count) => new($"{_what}: page ends before its {count} values");

    public void MoveInto(ColumnData data)
    {
        data.ValueCount = Count;
        switch (Type)
        {
            case PhysicalType.Boolean: data.Booleans = Trim(Booleans); break;
            case PhysicalType.Int32: data.Int32s = Trim(Int32s); break;
            case PhysicalType.Int64: data.Int64s = Trim(Int64s); break;
            case PhysicalType.Float: data.Floats = Trim(Floats); break;
            case PhysicalType.Double: data.Doubles = Trim(Doubles); break;
            default:
                data.Bytes = Bytes.Length == ByteLength ? Bytes : Bytes.AsSpan(0, ByteLength).ToArray();
                data.ByteOffsets = Offsets.Length == Count + 1 ? Offsets : Offsets.AsSpan(0, Count + 1).ToArray();
                break;
        }
    }

    private T[] Trim<T>(T[] array) => array.Length == Count ? array : array.AsSpan(0, Count).ToArray();
}
