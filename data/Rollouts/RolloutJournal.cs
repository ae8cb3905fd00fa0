using System.Buffers.Binary;
using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Thrift;

namespace Pipeline.Data.Rollouts;

/// <summary>
/// Sidecar of a rollout file being written. After each row group reaches the data file, one record
/// (step, end offset of the data, Thrift RowGroup) is appended with a CRC. After a crash the valid
/// prefix of the journal is exactly the set of complete row groups, so the data file can be cut to
/// them and given a footer: the file is recovered instead of lost.
/// </summary>
internal sealed class RolloutJournal : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "PRJ1"u8;

    private readonly FileStream _stream;
    private readonly bool _durable;

    private RolloutJournal(FileStream stream, bool durable)
    {
        _stream = stream;
        _durable = durable;
    }

    /// <summary>Creates a journal whose first record is the footer skeleton (schema, key-values).</summary>
    public static RolloutJournal Create(string path, FileMetaData skeleton, bool durable)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        var journal = new RolloutJournal(stream, durable);
        stream.Write(Magic);
        var w = new CompactWriter();
        skeleton.Write(w);
        journal.Append(w.WrittenSpan);
        return journal;
    }

    public void AppendRowGroup(long step, long dataEnd, RowGroup group)
    {
        var w = new CompactWriter();
        Span<byte> prefix = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(prefix, step);
        BinaryPrimitives.WriteInt64LittleEndian(prefix[8..], dataEnd);
        group.Write(w);
        var payload = new byte[16 + w.Length];
        prefix.CopyTo(payload);
        w.WrittenSpan.CopyTo(payload.AsSpan(16));
        Append(payload);
    }

    private void Append(ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.Compute(payload));
        _stream.Write(header);
        _stream.Write(payload);
        if (_durable) _stream.Flush(true);
        else _stream.Flush();
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>A journal's valid prefix: the skeleton and the row groups recorded before any torn record.</summary>
    public sealed record Contents(FileMetaData Skeleton, IReadOnlyList<(long Step, long DataEnd, RowGroup Group)> RowGroups, bool TornTail);

    /// <summary>Reads a journal; null when even the skeleton is unreadable.</summary>
    public static Contents? Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4 || !bytes.AsSpan(0, 4).SequenceEqual(Magic)) return null;
        int pos = 4;
        FileMetaData? skeleton = null;
        var groups = new List<(long, long, RowGroup)>();
        while (pos < bytes.Length)
        {
            if (bytes.Length - pos < 8) return Done(true);
            int len = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos));
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 4));
            if (len < 0 || len > bytes.Length - pos - 8) return Done(true);
            var payload = bytes.AsSpan(pos + 8, len);
            if (Crc32.Compute(payload) != crc) return Done(true);
            try
            {
                if (skeleton is null)
                {
                    skeleton = FileMetaData.Read(new CompactReader(bytes, pos + 8, len, $"{path} skeleton"));
                }
                else
                {
                    if (len < 16) return Done(true);
                    long step = BinaryPrimitives.ReadInt64LittleEndian(payload);
                    long end = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
                    var group = RowGroup.Read(new CompactReader(bytes, pos + 24, len - 16, $"{path} row group"));
                    groups.Add((step, end, group));
                }
            }
            catch (ParquetFormatException)
            {
                return Done(true);
            }
            pos += 8 + len;
        }
        return Done(false);

        Contents? Done(bool torn) => skeleton is null ? null : new Contents(skeleton, groups, torn);
    }
}
