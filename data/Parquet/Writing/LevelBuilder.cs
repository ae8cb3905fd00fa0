using System.Buffers;
using Pipeline.Data.Parquet.Schema;

namespace Pipeline.Data.Parquet.Writing;

/// <summary>
/// Shreds user-facing shapes (a nullable scalar per row; a nullable list per row with nullable
/// elements) into definition and repetition levels.
/// </summary>
internal static class LevelBuilder
{
    /// <summary>Definition levels for a scalar column; null when the column is required.</summary>
    public static byte[]? Scalar(ColumnDescriptor c, int rows, ReadOnlySpan<bool> nulls, out int nonNull)
    {
        if (c.MaxDefinitionLevel == 0)
        {
            if (nulls.Contains(true)) throw new ArgumentException($"Column '{c.DottedPath}' is required but a null was given.");
            nonNull = rows;
            return null;
        }
        if (!nulls.IsEmpty && nulls.Length != rows) throw new ArgumentException($"Column '{c.DottedPath}': {nulls.Length} null flags for {rows} rows.");
        byte[] def = ArrayPool<byte>.Shared.Rent(Math.Max(1, rows));
        nonNull = 0;
        for (int i = 0; i < rows; i++)
        {
            bool isNull = !nulls.IsEmpty && nulls[i];
            def[i] = (byte)(isNull ? 0 : 1);
            if (!isNull) nonNull++;
        }
        return def;
    }

    /// <summary>Levels of a one-level list column (standard 3-level LIST form).</summary>
    public static (byte[] Def, byte[] Rep, int Count) List(
        ColumnDescriptor c, int rows, ReadOnlySpan<int> offsets, ReadOnlySpan<bool> listNulls, ReadOnlySpan<bool> elementNulls, int elementCount)
    {
        if (c.MaxRepetitionLevel != 1) throw new ArgumentException($"Column '{c.DottedPath}' is not a list of primitives.");
        if (offsets.Length != rows + 1) throw new ArgumentException($"Column '{c.DottedPath}': {offsets.Length} offsets for {rows} rows; expected rows + 1.");
        if (offsets[0] != 0 || offsets[rows] != elementCount)
            throw new ArgumentException($"Column '{c.DottedPath}': offsets must start at 0 and end at the {elementCount} values given, got {offsets[0]}..{offsets[rows]}.");
        bool listOptional = c.ListPresentDefinition[0] == 1;
        int listEmptyDef = c.ListPresentDefinition[0];
        int elementPresentDef = c.ListNonEmptyDefinition[0];
        int maxDef = c.MaxDefinitionLevel;
        if (!listOptional && listNulls.Contains(true)) throw new ArgumentException($"Column '{c.DottedPath}': the list is required but a null list was given.");
        if (maxDef == elementPresentDef && elementNulls.Contains(true)) throw new ArgumentException($"Column '{c.DottedPath}': elements are required but a null element was given.");
        if (!listNulls.IsEmpty && listNulls.Length != rows) throw new ArgumentException($"Column '{c.DottedPath}': {listNulls.Length} list null flags for {rows} rows.");
        if (!elementNulls.IsEmpty && elementNulls.Length != elementCount) throw new ArgumentException($"Column '{c.DottedPath}': {elementNulls.Length} element null flags for {elementCount} values.");

        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            int len = offsets[r + 1] - offsets[r];
            if (len < 0) throw new ArgumentException($"Column '{c.DottedPath}': offsets decrease at row {r}.");
            count += len == 0 ? 1 : len;
        }
        byte[] def = ArrayPool<byte>.Shared.Rent(Math.Max(1, count));
        byte[] rep = ArrayPool<byte>.Shared.Rent(Math.Max(1, count));
        int p = 0;
        for (int r = 0; r < rows; r++)
        {
            int start = offsets[r], end = offsets[r + 1];
            if (!listNulls.IsEmpty && listNulls[r])
            {
                if (end != start) throw new ArgumentException($"Column '{c.DottedPath}': row {r} is a null list but has {end - start} values.");
                def[p] = 0;
                rep[p++] = 0;
            }
            else if (start == end)
            {
                def[p] = (byte)listEmptyDef;
                rep[p++] = 0;
            }
            else if (elementNulls.IsEmpty)
            {
                def.AsSpan(p, end - start).Fill((byte)maxDef);
                rep[p] = 0;
                rep.AsSpan(p + 1, end - start - 1).Fill(1);
                p += end - start;
            }
            else
            {
                for (int k = start; k < end; k++)
                {
                    def[p] = (byte)(elementNulls[k] ? maxDef - 1 : maxDef);
                    rep[p++] = (byte)(k == start ? 0 : 1);
                }
            }
        }
        return (def, rep, count);
    }
}
