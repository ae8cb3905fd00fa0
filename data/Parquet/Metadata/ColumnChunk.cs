using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Metadata;

public sealed class ColumnMetaData
{
    public PhysicalType Type { get; set; }
    public List<Encoding> Encodings { get; set; } = [];
    public List<string> PathInSchema { get; set; } = [];
    public CompressionCodec Codec { get; set; }
    public long NumValues { get; set; }
    public long TotalUncompressedSize { get; set; }
    public long TotalCompressedSize { get; set; }
    public List<KeyValue>? KeyValueMetadata { get; set; }
    public long DataPageOffset { get; set; }
    public long? IndexPageOffset { get; set; }
    public long? DictionaryPageOffset { get; set; }
    public Statistics? Statistics { get; set; }

    internal void Write(CompactWriter w)
    {
        w.BeginStruct();
        w.FieldI32(1, (int)Type);
        w.FieldListBegin(2, CompactType.I32, Encodings.Count);
        foreach (var e in Encodings) w.WriteI32((int)e);
        w.FieldListBegin(3, CompactType.Binary, PathInSchema.Count);
        foreach (var p in PathInSchema) w.WriteString(p);
        w.FieldI32(4, (int)Codec);
        w.FieldI64(5, NumValues);
        w.FieldI64(6, TotalUncompressedSize);
        w.FieldI64(7, TotalCompressedSize);
        if (KeyValueMetadata is { } kv) ThriftLists.WriteStructs(w, 8, kv, (cw, x) => x.Write(cw));
        w.FieldI64(9, DataPageOffset);
        if (IndexPageOffset is { } ipo) w.FieldI64(10, ipo);
        if (DictionaryPageOffset is { } dpo) w.FieldI64(11, dpo);
        if (Statistics is { } st)
        {
            w.FieldStructHeader(12);
            st.Write(w);
        }
        w.EndStruct();
    }

    internal static ColumnMetaData Read(CompactReader r)
    {
        var m = new ColumnMetaData();
        int seen = 0;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: m.Type = (PhysicalType)r.ReadI32(); seen |= 1; break;
                case 2 when type == CompactType.List: m.Encodings = ThriftLists.Read(r, CompactType.I32, x => (Encoding)x.ReadI32()); break;
                case 3 when type == CompactType.List: m.PathInSchema = ThriftLists.Read(r, CompactType.Binary, x => x.ReadString()); seen |= 2; break;
                case 4 when type == CompactType.I32: m.Codec = (CompressionCodec)r.ReadI32(); seen |= 4; break;
                case 5 when type == CompactType.I64: m.NumValues = r.ReadI64(); seen |= 8; break;
                case 6 when type == CompactType.I64: m.TotalUncompressedSize = r.ReadI64(); break;
                case 7 when type == CompactType.I64: m.TotalCompressedSize = r.ReadI64(); seen |= 16; break;
                case 8 when type == CompactType.List: m.KeyValueMetadata = ThriftLists.Read(r, CompactType.Struct, KeyValue.Read); break;
                case 9 when type == CompactType.I64: m.DataPageOffset = r.ReadI64(); seen |= 32; break;
                case 10 when type == CompactType.I64: m.IndexPageOffset = r.ReadI64(); break;
                case 11 when type == CompactType.I64: m.DictionaryPageOffset = r.ReadI64(); break;
                case 12 when type == CompactType.Struct: m.Statistics = Statistics.Read(r); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        if (seen != 63) throw r.Corrupt("column metadata is missing required fields");
        return m;
    }
}

public sealed class ColumnChunk
{
    public string? FilePath { get; set; }
    public long FileOffset { get; set; }
    public ColumnMetaData? MetaData { get; set; }

    internal void Write(CompactWriter w)
    {
        w.BeginStruct();
        if (FilePath is { } fp) w.FieldString(1, fp);
        w.FieldI64(2, FileOffset);
        if (MetaData is { } md)
        {
            w.FieldStructHeader(3);
            md.Write(w);
        }
        w.EndStruct();
    }

    internal static ColumnChunk Read(CompactReader r)
    {
        var c = new ColumnChunk();
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.Binary: c.FilePath = r.ReadString(); break;
                case 2 when type == CompactType.I64: c.FileOffset = r.ReadI64(); break;
                case 3 when type == CompactType.Struct: c.MetaData = ColumnMetaData.Read(r); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        return c;
    }
}

public sealed class RowGroup
{
    public List<ColumnChunk> Columns { get; set; } = [];
    public long TotalByteSize { get; set; }
    public long NumRows { get; set; }
    public long? FileOffset { get; set; }
    public long? TotalCompressedSize { get; set; }
    public short? Ordinal { get; set; }

    internal void Write(CompactWriter w)
    {
        w.BeginStruct();
        ThriftLists.WriteStructs(w, 1, Columns, (cw, c) => c.Write(cw));
        w.FieldI64(2, TotalByteSize);
        w.FieldI64(3, NumRows);
        if (FileOffset is { } fo) w.FieldI64(5, fo);
        if (TotalCompressedSize is { } tcs) w.FieldI64(6, tcs);
        if (Ordinal is { } o) w.FieldI16(7, o);
        w.EndStruct();
    }

    internal static RowGroup Read(CompactReader r)
    {
        var g = new RowGroup();
        bool hasRows = false;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.List: g.Columns = ThriftLists.Read(r, CompactType.Struct, ColumnChunk.Read); break;
                case 2 when type == CompactType.I64: g.TotalByteSize = r.ReadI64(); break;
                case 3 when type == CompactType.I64: g.NumRows = r.ReadI64(); hasRows = true; break;
                case 5 when type == CompactType.I64: g.FileOffset = r.ReadI64(); break;
                case 6 when type == CompactType.I64: g.TotalCompressedSize = r.ReadI64(); break;
                case 7 when type == CompactType.I16: g.Ordinal = (short)r.ReadI32(); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        if (!hasRows) throw r.Corrupt("row group without num_rows");
        return g;
    }
}
