using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Metadata;

/// <summary>One node of the flattened (depth-first) schema list stored in the footer.</summary>
public sealed class SchemaElement
{
    public PhysicalType? Type { get; set; }
    public int? TypeLength { get; set; }
    public Repetition? RepetitionType { get; set; }
    public string Name { get; set; } = "";
    public int? NumChildren { get; set; }
    public ConvertedType? ConvertedType { get; set; }
    public int? Scale { get; set; }
    public int? Precision { get; set; }
    public int? FieldId { get; set; }
    public LogicalType? LogicalType { get; set; }

    internal void Write(CompactWriter w)
    {
        w.BeginStruct();
        if (Type is { } t) w.FieldI32(1, (int)t);
        if (TypeLength is { } tl) w.FieldI32(2, tl);
        if (RepetitionType is { } rt) w.FieldI32(3, (int)rt);
        w.FieldString(4, Name);
        if (NumChildren is { } nc) w.FieldI32(5, nc);
        if (ConvertedType is { } ct) w.FieldI32(6, (int)ct);
        if (Scale is { } s) w.FieldI32(7, s);
        if (Precision is { } p) w.FieldI32(8, p);
        if (FieldId is { } f) w.FieldI32(9, f);
        if (LogicalType is { } lt)
        {
            w.FieldStructHeader(10);
            lt.Write(w);
        }
        w.EndStruct();
    }

    internal static SchemaElement Read(CompactReader r)
    {
        var e = new SchemaElement();
        bool hasName = false;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32:
                    int pt = r.ReadI32();
                    if (pt is < 0 or > 7) throw r.Corrupt($"unknown physical type {pt}");
                    e.Type = (PhysicalType)pt;
                    break;
                case 2 when type == CompactType.I32: e.TypeLength = r.ReadI32(); break;
                case 3 when type == CompactType.I32:
                    int rep = r.ReadI32();
                    if (rep is < 0 or > 2) throw r.Corrupt($"unknown repetition {rep}");
                    e.RepetitionType = (Repetition)rep;
                    break;
                case 4 when type == CompactType.Binary: e.Name = r.ReadString(); hasName = true; break;
                case 5 when type == CompactType.I32: e.NumChildren = r.ReadI32(); break;
                case 6 when type == CompactType.I32: e.ConvertedType = (ConvertedType)r.ReadI32(); break;
                case 7 when type == CompactType.I32: e.Scale = r.ReadI32(); break;
                case 8 when type == CompactType.I32: e.Precision = r.ReadI32(); break;
                case 9 when type == CompactType.I32: e.FieldId = r.ReadI32(); break;
                case 10 when type == CompactType.Struct: e.LogicalType = LogicalType.Read(r); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        if (!hasName) throw r.Corrupt("schema element without a name");
        return e;
    }
}
