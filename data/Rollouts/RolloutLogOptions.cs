using Pipeline.Data.Parquet.Metadata;

namespace Pipeline.Data.Rollouts;

/// <summary>Configuration of the rollout log (section <c>rollout_log</c> of a run config).</summary>
public sealed class RolloutLogOptions
{
    /// <summary>Folder of the Parquet files, normally <c>runs/&lt;name&gt;/rollouts</c>.</summary>
    public string Directory { get; set; } = "rollouts";

    /// <summary>A file is closed and a new one started after this many steps (row groups).</summary>
    public int RollEverySteps { get; set; } = 50;

    public CompressionCodec Compression { get; set; } = CompressionCodec.Snappy;

    /// <summary>Target uncompressed size of a data page.</summary>
    public int DataPageSize { get; set; } = 1 << 20;

    /// <summary>
    /// Persist each step to disk (fsync) before it is acknowledged, so a crash loses at most the
    /// step being written. Off trades that guarantee for speed on slow disks.
    /// </summary>
    public bool DurableSteps { get; set; } = true;

    /// <summary>Most rollouts accepted in one step; a guard against a runaway producer.</summary>
    public int MaxRolloutsPerStep { get; set; } = 1 << 20;

    /// <summary>File name prefix; files are named <c>{prefix}-{firstStep}-{lastStep}.parquet</c>.</summary>
    public string FilePrefix { get; set; } = "rollouts";

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory)) throw new ArgumentException($"rollout_log.{nameof(Directory)} must be set.");
        if (RollEverySteps < 1) throw new ArgumentException($"rollout_log.{nameof(RollEverySteps)} must be at least 1, got {RollEverySteps}.");
        if (Compression is not (CompressionCodec.Uncompressed or CompressionCodec.Snappy or CompressionCodec.Gzip))
            throw new ArgumentException($"rollout_log.{nameof(Compression)} must be Uncompressed, Snappy or Gzip, got {Compression}.");
        if (DataPageSize is < 1024 or > 256 << 20) throw new ArgumentException($"rollout_log.{nameof(DataPageSize)} must be between 1 KiB and 256 MiB, got {DataPageSize}.");
        if (MaxRolloutsPerStep < 1) throw new ArgumentException($"rollout_log.{nameof(MaxRolloutsPerStep)} must be at least 1, got {MaxRolloutsPerStep}.");
        if (string.IsNullOrWhiteSpace(FilePrefix) || FilePrefix.IndexOfAny(['-', '/', '\\', '.']) >= 0)
            throw new ArgumentException($"rollout_log.{nameof(FilePrefix)} must be a plain name without '-', '.', or path separators, got '{FilePrefix}'.");
    }
}
