using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Metadata;

/// <summary>The footer of a Parquet file.</summary>
public sealed class FileMetaData
{
    public int Version { get; set; } = 1;
    public List<SchemaElement> Schema { get; set; } = [];
    public long NumRows { get; set; }
    public List<RowGroup> RowGroups { get; set; } = [];
    public List<KeyValue>? KeyValueMetadata { get; set; }
    public string? CreatedBy { get; set; }

    /// <summary>
    /// Number of leaf columns that declare the type-defined sort order; writing it tells readers that
    /// min_value/max_value follow the logical order (unsigned bytes for strings).
    /// </summary>
    public int TypeDefinedColumnOrders { get; set; }

    internal void Write(CompactWriter w)
    {
        w.BeginStruct();
        w.FieldI32(1, Version);
        ThriftLists.WriteStructs(w, 2, Schema, (cw, e) => e.Write(cw));
        w.FieldI64(3, NumRows);
        ThriftLists.WriteStructs(w, 4, RowGroups, (cw, g) => g.Write(cw));
        if (KeyValueMetadata is { Count: > 0 } kv) ThriftLists.WriteStructs(w, 5, kv, (cw, x) => x.Write(cw));
        if (CreatedBy is { } cb) w.FieldString(6, cb);
        if (TypeDefinedColumnOrders > 0)
        {
            w.FieldListBegin(7, CompactType.Struct, TypeDefinedColumnOrders);
            for (int i = 0; i < TypeDefinedColumnOrders; i++)
            {
                // ColumnOrder union { 1: TypeDefinedOrder {} }
                w.BeginStruct();
                w.FieldStructBegin(1);
                w.EndStruct();
                w.EndStruct();
            }
        }
        w.EndStruct();
    }

    internal static FileMetaData Read(CompactReader r)
    {
        var m = new FileMetaData();
        int seen = 0;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: m.Version = r.ReadI32(); seen |= 1; break;
                case 2 when type == CompactType.List: m.Schema = ThriftLists.Read(r, CompactType.Struct, SchemaElement.Read); seen |= 2; break;
                case 3 when type == CompactType.I64: m.NumRows = r.ReadI64(); seen |= 4; break;
                case 4 when type == CompactType.List: m.RowGroups = ThriftLists.Read(r, CompactType.Struct, RowGroup.Read); seen |= 8; break;
                case 5 when type == CompactType.List: m.KeyValueMetadata = ThriftLists.Read(r, CompactType.Struct, KeyValue.Read); break;
                case 6 when type == CompactType.Binary: m.CreatedBy = r.ReadString(); break;
                case 7 when type == CompactType.List:
                    m.TypeDefinedColumnOrders = ThriftLists.Read(r, CompactType.Struct, x => { x.Skip(CompactType.Struct); return 0; }).Count;
                    break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        if (seen != 15) throw r.Corrupt("file metadata is missing required fields");
        return m;
    }
}
