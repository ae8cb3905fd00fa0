using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Metadata;

public sealed record KeyValue(string Key, string? Value)
{
    internal void Write(CompactWriter w)
    {
        w.BeginStruct();
        w.FieldString(1, Key);
        if (Value is not null) w.FieldString(2, Value);
        w.EndStruct();
    }

    internal static KeyValue Read(CompactReader r)
    {
        string? key = null, value = null;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            if (id == 1 && type == CompactType.Binary) key = r.ReadString();
            else if (id == 2 && type == CompactType.Binary) value = r.ReadString();
            else r.Skip(type);
        }
        r.EndStruct();
        return new KeyValue(key ?? throw r.Corrupt("key-value entry without a key"), value);
    }
}
