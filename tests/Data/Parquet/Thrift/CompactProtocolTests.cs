using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Tests.Data.Parquet.Thrift;

public class CompactProtocolTests
{
    [Fact]
    public void Field_headers_values_and_lists_match_the_compact_spec()
    {
        var w = new CompactWriter();
        w.BeginStruct();
        w.FieldI32(1, 1);              // delta 1, type 5 -> 0x15; zigzag(1) = 2
        w.FieldBool(2, true);          // delta 1, type 1 (true) -> 0x11
        w.FieldString(3, "ab");        // delta 1, type 8 -> 0x18, length 2
        w.FieldI64(20, -1);            // delta 17 > 15: type byte 0x06 then zigzag(20) = 40, value zigzag(-1) = 1
        w.FieldListBegin(21, CompactType.I32, 3);
        w.WriteI32(0);
        w.WriteI32(-2);
        w.WriteI32(64);                // zigzag(64) = 128 -> varint 80 01
        w.EndStruct();
        Assert.Equal(
            new byte[] { 0x15, 0x02, 0x11, 0x18, 2, (byte)'a', (byte)'b', 0x06, 40, 0x01, 0x19, 0x35, 0x00, 0x03, 0x80, 0x01, 0x00 },
            w.WrittenSpan.ToArray());
    }

    [Fact]
    public void File_metadata_round_trips_and_unknown_fields_are_skipped()
    {
        var meta = new FileMetaData
        {
            Version = 2,
            NumRows = 5,
            CreatedBy = "me",
            Schema =
            [
                new SchemaElement { Name = "schema", NumChildren = 1 },
                new SchemaElement { Name = "t", Type = PhysicalType.Int64, RepetitionType = Repetition.Optional, LogicalType = LogicalType.Timestamp(TimeUnit.Micros) },
            ],
            RowGroups =
            [
                new RowGroup
                {
                    NumRows = 5,
                    TotalByteSize = 10,
                    Columns = [new ColumnChunk { FileOffset = 4, MetaData = new ColumnMetaData { Type = PhysicalType.Int64, PathInSchema = ["t"], NumValues = 5, DataPageOffset = 4, TotalCompressedSize = 10, TotalUncompressedSize = 10, Encodings = [Encoding.Plain], Statistics = new Statistics { NullCount = 1, MinValue = [1, 0, 0, 0, 0, 0, 0, 0] } } }],
                },
            ],
            KeyValueMetadata = [new KeyValue("k", "v")],
            TypeDefinedColumnOrders = 1,
        };
        var w = new CompactWriter();
        meta.Write(w);
        // Append an unknown field (id 30, a nested struct with a list) before the final stop byte.
        var bytes = w.WrittenSpan[..^1].ToArray().Concat(new byte[] { 0x0C, 0x3C, 0x19, 0x25, 0x02, 0x04, 0x00, 0x00 }).ToArray();
        var r = new CompactReader(bytes, 0, bytes.Length, "test");
        var back = FileMetaData.Read(r);
        Assert.Equal(bytes.Length, r.Position);
        Assert.Equal(2, back.Version);
        Assert.Equal("me", back.CreatedBy);
        Assert.Equal(TimeUnit.Micros, back.Schema[1].LogicalType!.Unit);
        Assert.Equal(LogicalTypeKind.Timestamp, back.Schema[1].LogicalType!.Kind);
        Assert.Equal(Repetition.Optional, back.Schema[1].RepetitionType);
        Assert.Equal(1, back.RowGroups[0].Columns[0].MetaData!.Statistics!.NullCount);
        Assert.Equal("v", back.KeyValueMetadata![0].Value);
        Assert.Equal(1, back.TypeDefinedColumnOrders);
    }

    [Theory]
    [InlineData(new byte[] { 0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0x07 })]   // list claims 2^31 elements
    [InlineData(new byte[] { 0x18, 0xFF, 0xFF, 0x03, 0x61 })]         // string longer than the data
    [InlineData(new byte[] { 0x15 })]                                 // value missing
    [InlineData(new byte[] { 0x1D, 0x00 })]                           // unknown type nibble 13
    public void Corrupt_input_raises_a_format_exception(byte[] bytes)
    {
        var r = new CompactReader(bytes, 0, bytes.Length, "test");
        Assert.Throws<ParquetFormatException>(() => FileMetaData.Read(r));
    }

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        // Field 1 of type struct, repeated: each byte opens another nested struct.
        var bytes = Enumerable.Repeat((byte)0x1C, 100_000).ToArray();
        var r = new CompactReader(bytes, 0, bytes.Length, "test");
        Assert.Throws<ParquetFormatException>(() => FileMetaData.Read(r));
    }
}
