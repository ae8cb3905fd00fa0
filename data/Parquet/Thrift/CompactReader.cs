using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Data.Parquet.Thrift;

/// <summary>
/// Reads the Thrift compact protocol from a bounded byte range. Every length and count is checked
/// against the bytes that remain before anything is allocated, so corrupt metadata fails fast with
/// <see cref="ParquetFormatException"/> instead of allocating gigabytes or recursing without end.
/// </summary>
internal sealed class CompactReader
{
    private const int MaxDepth = 64;

    private readonly byte[] _data;
    private readonly int _end;
    private readonly string _what;
    private int _pos;
    private short _lastFieldId;
    private readonly Stack<short> _fieldIds = new();
    private bool? _pendingBool;

    public CompactReader(byte[] data, int offset, int count, string what)
    {
        _data = data;
        _pos = offset;
        _end = offset + count;
        _what = what;
    }

    public int Position => _pos;

    public int Remaining => _end - _pos;

    public void BeginStruct()
    {
        if (_fieldIds.Count >= MaxDepth) throw Corrupt("structs nested too deeply");
        _fieldIds.Push(_lastFieldId);
        _lastFieldId = 0;
    }

    public void EndStruct() => _lastFieldId = _fieldIds.Pop();

    /// <summary>Reads the next field header; returns false at the struct's stop byte.</summary>
    public bool NextField(out short id, out CompactType type)
    {
        byte b = ReadByte();
        type = (CompactType)(b & 0x0F);
        if (type == CompactType.Stop)
        {
            id = 0;
            return false;
        }
        int delta = b >> 4;
        if (delta == 0)
        {
            long raw = ReadZigZag();
            if (raw < short.MinValue || raw > short.MaxValue) throw Corrupt("field id out of range");
            id = (short)raw;
        }
        else
        {
            id = (short)(_lastFieldId + delta);
        }
        _lastFieldId = id;
        if (type == CompactType.BooleanTrue || type == CompactType.BooleanFalse)
        {
            _pendingBool = type == CompactType.BooleanTrue;
        }
        else if ((byte)type > (byte)CompactType.Struct)
        {
            throw Corrupt($"unknown field type {(byte)type}");
        }
        return true;
    }

    public bool ReadBool()
    {
        if (_pendingBool is bool b)
        {
            _pendingBool = null;
            return b;
        }
        // Inside a list a bool is a whole byte.
        return ReadByte() == 1;
    }

    public sbyte ReadI8() => (sbyte)ReadByte();

    public int ReadI32()
    {
        long v = ReadZigZag();
        if (v < int.MinValue || v > int.MaxValue) throw Corrupt("i32 out of range");
        return (int)v;
    }

    public long ReadI64() => ReadZigZag();

    public double ReadDouble()
    {
        Need(8);
        double v = BinaryPrimitives.ReadDoubleLittleEndian(_data.AsSpan(_pos, 8));
        _pos += 8;
        return v;
    }

    public byte[] ReadBinary()
    {
        int len = ReadLength();
        byte[] result = _data.AsSpan(_pos, len).ToArray();
        _pos += len;
        return result;
    }

    public string ReadString()
    {
        int len = ReadLength();
        try
        {
            string s = StrictUtf8.GetString(_data, _pos, len);
            _pos += len;
            return s;
        }
        catch (DecoderFallbackException e)
        {
            throw Corrupt("string is not valid UTF-8", e);
        }
    }

    public int ReadListHeader(out CompactType elementType)
    {
        byte b = ReadByte();
        elementType = (CompactType)(b & 0x0F);
        int count = b >> 4;
        if (count == 15)
        {
            ulong raw = ReadVarint();
            if (raw > int.MaxValue) throw Corrupt("list size out of range");
            count = (int)raw;
        }
        // Every element takes at least one byte except bools in a field, which never occur in lists.
        if (count > Remaining) throw Corrupt($"list of {count} elements exceeds the {Remaining} bytes left");
        if (elementType == CompactType.Stop || (byte)elementType > (byte)CompactType.Struct)
        {
            if (count != 0) throw Corrupt($"unknown list element type {(byte)elementType}");
        }
        return count;
    }

    public void Skip(CompactType type) => Skip(type, 0);

    private void Skip(CompactType type, int depth)
    {
        if (depth > MaxDepth) throw Corrupt("values nested too deeply");
        switch (type)
        {
            case CompactType.BooleanTrue:
            case CompactType.BooleanFalse:
                if (_pendingBool.HasValue) _pendingBool = null;
                else ReadByte();
                break;
            case CompactType.Byte:
                ReadByte();
                break;
            case CompactType.I16:
            case CompactType.I32:
            case CompactType.I64:
                ReadVarint();
                break;
            case CompactType.Double:
                Need(8);
                _pos += 8;
                break;
            case CompactType.Binary:
                _pos += ReadLength();
                break;
            case CompactType.List:
            case CompactType.Set:
                {
                    int n = ReadListHeader(out var et);
                    for (int i = 0; i < n; i++) Skip(et == CompactType.BooleanFalse ? CompactType.Byte : et, depth + 1);
                    break;
                }
            case CompactType.Map:
                {
                    ulong n = ReadVarint();
                    if (n == 0) break;
                    if (n > (ulong)Remaining) throw Corrupt("map size exceeds the bytes left");
                    byte kv = ReadByte();
                    var kt = (CompactType)(kv >> 4);
                    var vt = (CompactType)(kv & 0x0F);
                    for (ulong i = 0; i < n; i++)
                    {
                        Skip(kt == CompactType.BooleanFalse ? CompactType.Byte : kt, depth + 1);
                        Skip(vt == CompactType.BooleanFalse ? CompactType.Byte : vt, depth + 1);
                    }
                    break;
                }
            case CompactType.Struct:
                BeginStruct();
                while (NextField(out _, out var ft)) Skip(ft, depth + 1);
                EndStruct();
                break;
            default:
                throw Corrupt($"cannot skip value of type {(byte)type}");
        }
    }

    public ParquetFormatException Corrupt(string message, Exception? inner = null) =>
        new($"Corrupt {_what} at byte {_pos}: {message}", inner);

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private int ReadLength()
    {
        ulong raw = ReadVarint();
        if (raw > (ulong)Remaining) throw Corrupt($"length {raw} exceeds the {Remaining} bytes left");
        return (int)raw;
    }

    private byte ReadByte()
    {
        if (_pos >= _end) throw Corrupt("unexpected end of data");
        return _data[_pos++];
    }

    private void Need(int n)
    {
        if (_end - _pos < n) throw Corrupt("unexpected end of data");
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Corrupt("varint longer than 10 bytes");
    }

    private long ReadZigZag()
    {
        ulong v = ReadVarint();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }
}
