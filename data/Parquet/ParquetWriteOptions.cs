using System.IO.Compression;
using Pipeline.Data.Parquet.Compression;
using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Parquet;

/// <summary>Knobs of <see cref="ParquetFileWriter"/>; the defaults suit the rollout log.</summary>
public sealed class ParquetWriteOptions
{
    public CompressionCodec Compression { get; set; } = CompressionCodec.Snappy;

    /// <summary>Target size of a data page before compression; pages end on row boundaries.</summary>
    public int DataPageSize { get; set; } = 1 << 20;

    /// <summary>Dictionary-encode BYTE_ARRAY columns when that is smaller than PLAIN.</summary>
    public bool DictionaryForStrings { get; set; } = true;

    /// <summary>Above this many dictionary bytes a column chunk falls back to PLAIN.</summary>
    public int DictionaryPageSizeLimit { get; set; } = 1 << 20;

    /// <summary>Byte-array min/max statistics longer than this are truncated (and flagged inexact).</summary>
    public int MaxStatisticsLength { get; set; } = 64;

    public CompressionLevel GzipLevel { get; set; } = CompressionLevel.Fastest;

    public string CreatedBy { get; set; } = "pipeline-parquet version 1.0.0";

    public void Validate()
    {
        if (!PageCompressor.CanWrite(Compression))
            throw new ArgumentException($"{nameof(Compression)}: {PageCompressor.Name(Compression)} cannot be written; use Uncompressed, Snappy or Gzip.");
        if (DataPageSize is < 1024 or > 256 << 20)
            throw new ArgumentException($"{nameof(DataPageSize)} must be between 1 KiB and 256 MiB, got {DataPageSize}.");
        if (DictionaryPageSizeLimit is < 0 or > 256 << 20)
            throw new ArgumentException($"{nameof(DictionaryPageSizeLimit)} must be between 0 and 256 MiB, got {DictionaryPageSizeLimit}.");
        if (MaxStatisticsLength < 1)
            throw new ArgumentException($"{nameof(MaxStatisticsLength)} must be positive, got {MaxStatisticsLength}.");
    }
}
