using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Metadata;

/// <summary>The LogicalType union of parquet.thrift, flattened into one immutable record.</summary>
public sealed record LogicalType(
    LogicalTypeKind Kind,
    int BitWidth = 0,
    bool IsSigned = true,
    bool IsAdjustedToUtc = true,
    TimeUnit Unit = TimeUnit.Micros,
    int Scale = 0,
    int Precision = 0)
{
    public static readonly LogicalType String = new(LogicalTypeKind.String);
    public static readonly LogicalType List = new(LogicalTypeKind.List);
    public static readonly LogicalType Json = new(LogicalTypeKind.Json);

    public static LogicalType Integer(int bitWidth, bool signed) => new(LogicalTypeKind.Integer, BitWidth: bitWidth, IsSigned: signed);

    public static LogicalType Timestamp(TimeUnit unit, bool adjustedToUtc = true) =>
        new(LogicalTypeKind.Timestamp, IsAdjustedToUtc: adjustedToUtc, Unit: unit);

    internal void Write(CompactWriter w)
    {
        w.BeginStruct();
        switch (Kind)
        {
            case LogicalTypeKind.Integer:
                w.FieldStructBegin((short)Kind);
                w.FieldI8(1, (sbyte)BitWidth);
                w.FieldBool(2, IsSigned);
                w.EndStruct();
                break;
            case LogicalTypeKind.Timestamp:
            case LogicalTypeKind.Time:
                w.FieldStructBegin((short)Kind);
                w.FieldBool(1, IsAdjustedToUtc);
                w.FieldStructBegin(2);
                w.FieldStructBegin((short)Unit);
                w.EndStruct();
                w.EndStruct();
                w.EndStruct();
                break;
            case LogicalTypeKind.Decimal:
                w.FieldStructBegin((short)Kind);
                w.FieldI32(1, Scale);
                w.FieldI32(2, Precision);
                w.EndStruct();
                break;
            case LogicalTypeKind.Other:
                throw new InvalidOperationException("An unrecognised logical type cannot be written back.");
            default:
                w.FieldStructBegin((short)Kind);
                w.EndStruct();
                break;
        }
        w.EndStruct();
    }

    internal static LogicalType Read(CompactReader r)
    {
        LogicalType? result = null;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            if (type != CompactType.Struct)
            {
                r.Skip(type);
                continue;
            }
            result = id switch
            {
                10 => ReadInteger(r),
                7 or 8 => ReadTime(r, (LogicalTypeKind)id),
                5 => ReadDecimal(r),
                >= 1 and <= 15 when id != 9 => SkipBody(r, new LogicalType((LogicalTypeKind)id)),
                _ => SkipBody(r, new LogicalType(LogicalTypeKind.Other)),
            };
        }
        r.EndStruct();
        return result ?? throw r.Corrupt("empty LogicalType union");
    }

    private static LogicalType SkipBody(CompactReader r, LogicalType t)
    {
        r.Skip(CompactType.Struct);
        return t;
    }

    private static LogicalType ReadInteger(CompactReader r)
    {
        int width = 0;
        bool signed = true;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            if (id == 1 && type == CompactType.Byte) width = r.ReadI8();
            else if (id == 2 && type is CompactType.BooleanTrue or CompactType.BooleanFalse) signed = r.ReadBool();
            else r.Skip(type);
        }
        r.EndStruct();
        if (width is not (8 or 16 or 32 or 64)) throw r.Corrupt($"integer logical type with bit width {width}");
        return Integer(width, signed);
    }

    private static LogicalType ReadDecimal(CompactReader r)
    {
        int scale = 0, precision = 0;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            if (id == 1 && type == CompactType.I32) scale = r.ReadI32();
            else if (id == 2 && type == CompactType.I32) precision = r.ReadI32();
            else r.Skip(type);
        }
        r.EndStruct();
        return new LogicalType(LogicalTypeKind.Decimal, Scale: scale, Precision: precision);
    }

    private static LogicalType ReadTime(CompactReader r, LogicalTypeKind kind)
    {
        bool utc = true;
        TimeUnit unit = TimeUnit.Micros;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            if (id == 1 && type is CompactType.BooleanTrue or CompactType.BooleanFalse)
            {
                utc = r.ReadBool();
            }
            else if (id == 2 && type == CompactType.Struct)
            {
                r.BeginStruct();
                while (r.NextField(out short unitId, out var unitType))
                {
                    if (unitId is >= 1 and <= 3) unit = (TimeUnit)unitId;
                    r.Skip(unitType);
                }
                r.EndStruct();
            }
            else
            {
                r.Skip(type);
            }
        }
        r.EndStruct();
        return new LogicalType(kind, IsAdjustedToUtc: utc, Unit: unit);
    }
}
