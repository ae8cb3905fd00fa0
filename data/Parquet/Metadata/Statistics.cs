using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Metadata;

/// <summary>
/// Column statistics. <see cref="MinValue"/>/<see cref="MaxValue"/> are PLAIN-encoded values (without
/// the length prefix for byte arrays) ordered by the column's logical sort order; the deprecated
/// Min/Max fields are read as a fallback only for types whose old and new orders agree.
/// </summary>
public sealed class Statistics
{
    public byte[]? Max { get; set; }
    public byte[]? Min { get; set; }
    public long? NullCount { get; set; }
    public long? DistinctCount { get; set; }
    public byte[]? MaxValue { get; set; }
    public byte[]? MinValue { get; set; }
    public bool? IsMaxValueExact { get; set; }
    public bool? IsMinValueExact { get; set; }

    internal void Write(CompactWriter w)
    {
        w.BeginStruct();
        if (Max is { } max) w.FieldBinary(1, max);
        if (Min is { } min) w.FieldBinary(2, min);
        if (NullCount is { } nc) w.FieldI64(3, nc);
        if (DistinctCount is { } dc) w.FieldI64(4, dc);
        if (MaxValue is { } mv) w.FieldBinary(5, mv);
        if (MinValue is { } mn) w.FieldBinary(6, mn);
        if (IsMaxValueExact is { } maxExact) w.FieldBool(7, maxExact);
        if (IsMinValueExact is { } minExact) w.FieldBool(8, minExact);
        w.EndStruct();
    }

    internal static Statistics Read(CompactReader r)
    {
        var s = new Statistics();
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.Binary: s.Max = r.ReadBinary(); break;
                case 2 when type == CompactType.Binary: s.Min = r.ReadBinary(); break;
                case 3 when type == CompactType.I64: s.NullCount = r.ReadI64(); break;
                case 4 when type == CompactType.I64: s.DistinctCount = r.ReadI64(); break;
                case 5 when type == CompactType.Binary: s.MaxValue = r.ReadBinary(); break;
                case 6 when type == CompactType.Binary: s.MinValue = r.ReadBinary(); break;
                case 7 when type is CompactType.BooleanTrue or CompactType.BooleanFalse: s.IsMaxValueExact = r.ReadBool(); break;
                case 8 when type is CompactType.BooleanTrue or CompactType.BooleanFalse: s.IsMinValueExact = r.ReadBool(); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        return s;
    }
}
