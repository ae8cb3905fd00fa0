using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Parquet.Schema;

/// <summary>
/// A top-level column to write: a primitive, or a LIST of primitives in the standard 3-level form
/// (<c>group name (LIST) { repeated group list { element; } }</c>).
/// </summary>
public sealed record ParquetField(
    string Name,
    PhysicalType Type,
    LogicalType? LogicalType = null,
    bool Nullable = false,
    bool IsList = false,
    bool ElementNullable = false)
{
    public static ParquetField Boolean(string name, bool nullable = false) => new(name, PhysicalType.Boolean, null, nullable);
    public static ParquetField Int32(string name, bool nullable = false) => new(name, PhysicalType.Int32, null, nullable);
    public static ParquetField Int64(string name, bool nullable = false) => new(name, PhysicalType.Int64, null, nullable);
    public static ParquetField Float(string name, bool nullable = false) => new(name, PhysicalType.Float, null, nullable);
    public static ParquetField Double(string name, bool nullable = false) => new(name, PhysicalType.Double, null, nullable);
    public static ParquetField String(string name, bool nullable = false) => new(name, PhysicalType.ByteArray, Metadata.LogicalType.String, nullable);
    public static ParquetField Binary(string name, bool nullable = false) => new(name, PhysicalType.ByteArray, null, nullable);

    /// <summary>A signed or unsigned integer of 8, 16, 32 or 64 bits, stored as INT32 or INT64.</summary>
    public static ParquetField Integer(string name, int bitWidth, bool signed, bool nullable = false)
    {
        if (bitWidth is not (8 or 16 or 32 or 64)) throw new ArgumentOutOfRangeException(nameof(bitWidth), bitWidth, "Integer columns have 8, 16, 32 or 64 bits.");
        return new(name, bitWidth == 64 ? PhysicalType.Int64 : PhysicalType.Int32, Metadata.LogicalType.Integer(bitWidth, signed), nullable);
    }

    /// <summary>A timestamp stored as INT64 in <paramref name="unit"/> since the Unix epoch.</summary>
    public static ParquetField Timestamp(string name, TimeUnit unit = TimeUnit.Micros, bool adjustedToUtc = true, bool nullable = false) =>
        new(name, PhysicalType.Int64, Metadata.LogicalType.Timestamp(unit, adjustedToUtc), nullable);

    /// <summary>Turns this primitive into a LIST of it; the field's nullability applies to the list.</summary>
    public ParquetField AsList(bool elementNullable = false) => this with { IsList = true, ElementNullable = elementNullable };
}
