using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Parquet.Schema;

/// <summary>A leaf column of a schema with the levels needed to shred and assemble its values.</summary>
public sealed class ColumnDescriptor
{
    internal ColumnDescriptor(
        int index,
        string[] path,
        SchemaElement leaf,
        int maxDefinitionLevel,
        int maxRepetitionLevel,
        int[] listPresentDefinition,
        int[] listNonEmptyDefinition,
        int topLevelField)
    {
        Index = index;
        Path = path;
        DottedPath = string.Join('.', path);
        Leaf = leaf;
        MaxDefinitionLevel = maxDefinitionLevel;
        MaxRepetitionLevel = maxRepetitionLevel;
        ListPresentDefinition = listPresentDefinition;
        ListNonEmptyDefinition = listNonEmptyDefinition;
        TopLevelField = topLevelField;
    }

    public int Index { get; }
    public IReadOnlyList<string> Path { get; }
    public string DottedPath { get; }
    internal SchemaElement Leaf { get; }
    public PhysicalType Type => Leaf.Type ?? PhysicalType.ByteArray;
    public int TypeLength => Leaf.TypeLength ?? 0;
    public LogicalType? LogicalType => Leaf.LogicalType;
    public ConvertedType? ConvertedType => Leaf.ConvertedType;
    public int MaxDefinitionLevel { get; }
    public int MaxRepetitionLevel { get; }

    /// <summary>Index of the top-level field this leaf belongs to.</summary>
    public int TopLevelField { get; }

    /// <summary>For list depth j (0-based), the definition level from which that list is not null.</summary>
    internal int[] ListPresentDefinition { get; }

    /// <summary>For list depth j (0-based), the definition level from which that list has an element.</summary>
    internal int[] ListNonEmptyDefinition { get; }

    /// <summary>True for UTF-8 text (STRING / UTF8 / JSON / ENUM annotations).</summary>
    public bool IsString =>
        Type == PhysicalType.ByteArray &&
        (LogicalType?.Kind is LogicalTypeKind.String or LogicalTypeKind.Json or LogicalTypeKind.Enum ||
         ConvertedType is Metadata.ConvertedType.Utf8 or Metadata.ConvertedType.Json or Metadata.ConvertedType.Enum);

    public override string ToString() => $"{DottedPath} ({Type}, def {MaxDefinitionLevel}, rep {MaxRepetitionLevel})";
}
