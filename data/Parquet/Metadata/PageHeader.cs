using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Parquet.Metadata;

public sealed class DataPageHeader
{
    public int NumValues { get; set; }
    public Encoding Encoding { get; set; }
    public Encoding DefinitionLevelEncoding { get; set; } = Encoding.Rle;
    public Encoding RepetitionLevelEncoding { get; set; } = Encoding.Rle;
    public Statistics? Statistics { get; set; }
}

public sealed class DataPageHeaderV2
{
    public int NumValues { get; set; }
    public int NumNulls { get; set; }
    public int NumRows { get; set; }
    public Encoding Encoding { get; set; }
    public int DefinitionLevelsByteLength { get; set; }
    public int RepetitionLevelsByteLength { get; set; }
    public bool IsCompressed { get; set; } = true;
}

public sealed class DictionaryPageHeader
{
    public int NumValues { get; set; }
    public Encoding Encoding { get; set; }
    public bool? IsSorted { get; set; }
}

public sealed class PageHeader
{
    public PageType Type { get; set; }
    public int UncompressedPageSize { get; set; }
    public int CompressedPageSize { get; set; }
    public int? Crc { get; set; }
    public DataPageHeader? DataPageHeader { get; set; }
    public DictionaryPageHeader? DictionaryPageHeader { get; set; }
    public DataPageHeaderV2? DataPageHeaderV2 { get; set; }

    internal void Write(CompactWriter w)
    {
        w.BeginStruct();
        w.FieldI32(1, (int)Type);
        w.FieldI32(2, UncompressedPageSize);
        w.FieldI32(3, CompressedPageSize);
        if (Crc is { } crc) w.FieldI32(4, crc);
        if (DataPageHeader is { } d)
        {
            w.FieldStructBegin(5);
            w.FieldI32(1, d.NumValues);
            w.FieldI32(2, (int)d.Encoding);
            w.FieldI32(3, (int)d.DefinitionLevelEncoding);
            w.FieldI32(4, (int)d.RepetitionLevelEncoding);
            if (d.Statistics is { } st)
            {
                w.FieldStructHeader(5);
                st.Write(w);
            }
            w.EndStruct();
        }
        if (DictionaryPageHeader is { } dict)
        {
            w.FieldStructBegin(7);
            w.FieldI32(1, dict.NumValues);
            w.FieldI32(2, (int)dict.Encoding);
            if (dict.IsSorted is { } sorted) w.FieldBool(3, sorted);
            w.EndStruct();
        }
        if (DataPageHeaderV2 is { } v2)
        {
            w.FieldStructBegin(8);
            w.FieldI32(1, v2.NumValues);
            w.FieldI32(2, v2.NumNulls);
            w.FieldI32(3, v2.NumRows);
            w.FieldI32(4, (int)v2.Encoding);
            w.FieldI32(5, v2.DefinitionLevelsByteLength);
            w.FieldI32(6, v2.RepetitionLevelsByteLength);
            w.FieldBool(7, v2.IsCompressed);
            w.EndStruct();
        }
        w.EndStruct();
    }

    internal static PageHeader Read(CompactReader r)
    {
        var h = new PageHeader();
        int seen = 0;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: h.Type = (PageType)r.ReadI32(); seen |= 1; break;
                case 2 when type == CompactType.I32: h.UncompressedPageSize = r.ReadI32(); seen |= 2; break;
                case 3 when type == CompactType.I32: h.CompressedPageSize = r.ReadI32(); seen |= 4; break;
                case 4 when type == CompactType.I32: h.Crc = r.ReadI32(); break;
                case 5 when type == CompactType.Struct: h.DataPageHeader = ReadDataPage(r); break;
                case 7 when type == CompactType.Struct: h.DictionaryPageHeader = ReadDictionaryPage(r); break;
                case 8 when type == CompactType.Struct: h.DataPageHeaderV2 = ReadDataPageV2(r); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        if (seen != 7) throw r.Corrupt("page header is missing required fields");
        if (h.UncompressedPageSize < 0 || h.CompressedPageSize < 0) throw r.Corrupt("negative page size");
        return h;
    }

    private static DataPageHeader ReadDataPage(CompactReader r)
    {
        var d = new DataPageHeader();
        int seen = 0;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: d.NumValues = r.ReadI32(); seen |= 1; break;
                case 2 when type == CompactType.I32: d.Encoding = (Encoding)r.ReadI32(); seen |= 2; break;
                case 3 when type == CompactType.I32: d.DefinitionLevelEncoding = (Encoding)r.ReadI32(); break;
                case 4 when type == CompactType.I32: d.RepetitionLevelEncoding = (Encoding)r.ReadI32(); break;
                case 5 when type == CompactType.Struct: d.Statistics = Statistics.Read(r); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        if (seen != 3) throw r.Corrupt("data page header is missing required fields");
        return d;
    }

    private static DataPageHeaderV2 ReadDataPageV2(CompactReader r)
    {
        var d = new DataPageHeaderV2();
        int seen = 0;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: d.NumValues = r.ReadI32(); seen |= 1; break;
                case 2 when type == CompactType.I32: d.NumNulls = r.ReadI32(); seen |= 2; break;
                case 3 when type == CompactType.I32: d.NumRows = r.ReadI32(); seen |= 4; break;
                case 4 when type == CompactType.I32: d.Encoding = (Encoding)r.ReadI32(); seen |= 8; break;
                case 5 when type == CompactType.I32: d.DefinitionLevelsByteLength = r.ReadI32(); seen |= 16; break;
                case 6 when type == CompactType.I32: d.RepetitionLevelsByteLength = r.ReadI32(); seen |= 32; break;
                case 7 when type is CompactType.BooleanTrue or CompactType.BooleanFalse: d.IsCompressed = r.ReadBool(); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        if (seen != 63) throw r.Corrupt("data page v2 header is missing required fields");
        return d;
    }

    private static DictionaryPageHeader ReadDictionaryPage(CompactReader r)
    {
        var d = new DictionaryPageHeader();
        int seen = 0;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1 when type == CompactType.I32: d.NumValues = r.ReadI32(); seen |= 1; break;
                case 2 when type == CompactType.I32: d.Encoding = (Encoding)r.ReadI32(); seen |= 2; break;
                case 3 when type is CompactType.BooleanTrue or CompactType.BooleanFalse: d.IsSorted = r.ReadBool(); break;
                default: r.Skip(type); break;
            }
        }
        r.EndStruct();
        if (seen != 3) throw r.Corrupt("dictionary page header is missing required fields");
        return d;
    }
}
