using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Parquet.Schema;

/// <summary>
/// A file schema: the flattened <see cref="SchemaElement"/> list of the footer and the leaf columns
/// derived from it.
/// </summary>
public sealed class ParquetSchema
{
    // Definition levels are stored in bytes; 100 nested levels is far beyond any real schema.
    private const int MaxNesting = 100;

    private readonly Dictionary<string, ColumnDescriptor> _byPath;

    private ParquetSchema(List<SchemaElement> elements, List<ColumnDescriptor> columns, List<string> topLevelNames, IReadOnlyList<ParquetField>? fields)
    {
        Elements = elements;
        Columns = columns;
        TopLevelNames = topLevelNames;
        Fields = fields;
        _byPath = new Dictionary<string, ColumnDescriptor>(StringComparer.Ordinal);
        foreach (var c in columns) _byPath.TryAdd(c.DottedPath, c);
    }

    public IReadOnlyList<SchemaElement> Elements { get; }

    public IReadOnlyList<ColumnDescriptor> Columns { get; }

    public IReadOnlyList<string> TopLevelNames { get; }

    /// <summary>The fields this schema was built from, when it was built for writing.</summary>
    public IReadOnlyList<ParquetField>? Fields { get; }

    public ColumnDescriptor? FindColumn(string dottedPath) => _byPath.GetValueOrDefault(dottedPath);

    /// <summary>Finds the leaf for a top-level field name (a list's element) or a full dotted path.</summary>
    public ColumnDescriptor GetColumn(string name)
    {
        if (_byPath.TryGetValue(name, out var c)) return c;
        int top = -1;
        for (int i = 0; i < TopLevelNames.Count; i++) if (TopLevelNames[i] == name) top = i;
        if (top >= 0)
        {
            var leaves = Columns.Where(x => x.TopLevelField == top).ToList();
            if (leaves.Count == 1) return leaves[0];
            throw new ArgumentException($"Field '{name}' is a group with {leaves.Count} leaf columns; name one of: {string.Join(", ", leaves.Select(l => l.DottedPath))}.");
        }
        throw new ArgumentException($"No column '{name}' in the schema; columns are: {string.Join(", ", Columns.Select(x => x.DottedPath))}.");
    }

    public static ParquetSchema Create(params ParquetField[] fields) => Create((IReadOnlyList<ParquetField>)fields);

    public static ParquetSchema Create(IReadOnlyList<ParquetField> fields)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var elements = new List<SchemaElement> { new() { Name = "schema", NumChildren = fields.Count } };
        foreach (var f in fields)
        {
            if (string.IsNullOrEmpty(f.Name)) throw new ArgumentException("Field names must not be empty.", nameof(fields));
            if (!names.Add(f.Name)) throw new ArgumentException($"Duplicate field name '{f.Name}'.", nameof(fields));
            if (f.Type is PhysicalType.FixedLenByteArray or PhysicalType.Int96)
                throw new ArgumentException($"Field '{f.Name}': writing {f.Type} is not supported.", nameof(fields));
            if (f.IsList)
            {
                elements.Add(new SchemaElement
                {
                    Name = f.Name,
                    RepetitionType = f.Nullable ? Repetition.Optional : Repetition.Required,
                    NumChildren = 1,
                    ConvertedType = Metadata.ConvertedType.List,
                    LogicalType = LogicalType.List,
                });
                elements.Add(new SchemaElement { Name = "list", RepetitionType = Repetition.Repeated, NumChildren = 1 });
                elements.Add(Leaf("element", f, f.ElementNullable));
            }
            else
            {
                elements.Add(Leaf(f.Name, f, f.Nullable));
            }
        }
        var schema = FromElements(elements);
        return new ParquetSchema(elements, (List<ColumnDescriptor>)schema.Columns, (List<string>)schema.TopLevelNames, fields.ToArray());
    }

    private static SchemaElement Leaf(string name, ParquetField f, bool nullable) => new()
    {
        Name = name,
        Type = f.Type,
        RepetitionType = nullable ? Repetition.Optional : Repetition.Required,
        LogicalType = f.LogicalType,
        ConvertedType = ConvertedFor(f.LogicalType),
    };

    /// <summary>The legacy annotation matching a logical type, for readers that predate LogicalType.</summary>
    private static ConvertedType? ConvertedFor(LogicalType? t) => t?.Kind switch
    {
        LogicalTypeKind.String => Metadata.ConvertedType.Utf8,
        LogicalTypeKind.Json => Metadata.ConvertedType.Json,
        LogicalTypeKind.Integer => (t.BitWidth, t.IsSigned) switch
        {
            (8, true) => Metadata.ConvertedType.Int8,
            (16, true) => Metadata.ConvertedType.Int16,
            (32, true) => Metadata.ConvertedType.Int32,
            (64, true) => Metadata.ConvertedType.Int64,
            (8, false) => Metadata.ConvertedType.Uint8,
            (16, false) => Metadata.ConvertedType.Uint16,
            (32, false) => Metadata.ConvertedType.Uint32,
            _ => Metadata.ConvertedType.Uint64,
        },
        LogicalTypeKind.Timestamp when t.IsAdjustedToUtc && t.Unit == TimeUnit.Millis => Metadata.ConvertedType.TimestampMillis,
        LogicalTypeKind.Timestamp when t.IsAdjustedToUtc && t.Unit == TimeUnit.Micros => Metadata.ConvertedType.TimestampMicros,
        _ => null,
    };

    /// <summary>Rebuilds the tree from the footer's depth-first element list, validating its shape.</summary>
    public static ParquetSchema FromElements(List<SchemaElement> elements)
    {
        if (elements.Count == 0) throw new ParquetFormatException("Schema is empty.");
        var root = elements[0];
        int rootChildren = root.NumChildren ?? 0;
        if (rootChildren < 0 || rootChildren > elements.Count - 1)
            throw new ParquetFormatException($"Schema root declares {rootChildren} children but only {elements.Count - 1} elements follow.");
        var columns = new List<ColumnDescriptor>();
        var topNames = new List<string>();
        int pos = 1;
        var path = new List<string>();
        var present = new List<int>();
        var nonEmpty = new List<int>();
        for (int i = 0; i < rootChildren; i++)
        {
            if (pos >= elements.Count) throw new ParquetFormatException("Schema ends before all of the root's children.");
            topNames.Add(elements[pos].Name);
            Walk(elements, ref pos, path, 0, 0, present, nonEmpty, columns, topNames.Count - 1, 1);
        }
        if (pos != elements.Count) throw new ParquetFormatException($"Schema has {elements.Count - pos} elements not reachable from the root.");
        return new ParquetSchema(elements, columns, topNames, null);
    }

    private static void Walk(List<SchemaElement> elements, ref int pos, List<string> path, int def, int rep,
        List<int> present, List<int> nonEmpty, List<ColumnDescriptor> columns, int top, int depth)
    {
        if (depth > MaxNesting) throw new ParquetFormatException($"Schema nests deeper than {MaxNesting} levels.");
        var e = elements[pos++];
        var repetition = e.RepetitionType ?? Repetition.Required;
        int parentDef = def;
        if (repetition != Repetition.Required) def++;
        bool repeated = repetition == Repetition.Repeated;
        if (repeated)
        {
            rep++;
            present.Add(parentDef);
            nonEmpty.Add(def);
        }
        path.Add(e.Name);
        int children = e.NumChildren ?? 0;
        if (e.Type is null && children == 0 && e.NumChildren is null)
            throw new ParquetFormatException($"Schema element '{e.Name}' has neither a type nor children.");
        if (children > 0)
        {
            if (children > elements.Count - pos) throw new ParquetFormatException($"Schema element '{e.Name}' declares {children} children but only {elements.Count - pos} elements follow.");
            for (int i = 0; i < children; i++)
            {
                if (pos >= elements.Count) throw new ParquetFormatException($"Schema ends inside '{e.Name}'.");
                Walk(elements, ref pos, path, def, rep, present, nonEmpty, columns, top, depth + 1);
            }
        }
        else if (e.Type is { } t)
        {
            if (t == PhysicalType.FixedLenByteArray && (e.TypeLength is not { } tl || tl <= 0))
                throw new ParquetFormatException($"Column '{e.Name}' is FIXED_LEN_BYTE_ARRAY without a positive type_length.");
            columns.Add(new ColumnDescriptor(columns.Count, path.ToArray(), e, def, rep, present.ToArray(), nonEmpty.ToArray(), top));
        }
        path.RemoveAt(path.Count - 1);
        if (repeated)
        {
            present.RemoveAt(present.Count - 1);
            nonEmpty.RemoveAt(nonEmpty.Count - 1);
        }
    }
}
