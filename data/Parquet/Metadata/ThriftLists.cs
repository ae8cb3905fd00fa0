using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Metadata;

internal static class ThriftLists
{
    public static List<T> Read<T>(CompactReader r, CompactType expected, Func<CompactReader, T> readElement)
    {
        int n = r.ReadListHeader(out var elementType);
        if (n > 0 && elementType != expected) throw r.Corrupt($"list element type {elementType}, expected {expected}");
        var list = new List<T>(n);
        for (int i = 0; i < n; i++) list.Add(readElement(r));
        return list;
    }

    public static void WriteStructs<T>(CompactWriter w, short fieldId, IReadOnlyList<T> items, Action<CompactWriter, T> write)
    {
        w.FieldListBegin(fieldId, CompactType.Struct, items.Count);
        foreach (var item in items) write(w, item);
    }
}
