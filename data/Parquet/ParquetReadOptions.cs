namespace Pipeline.Data.Parquet;

/// <summary>Limits that keep a corrupt or hostile file from making the reader allocate without bound.</summary>
public sealed class ParquetReadOptions
{
    /// <summary>Most level entries one data page may declare.</summary>
    public int MaxValuesPerPage { get; set; } = 1 << 26;

    /// <summary>Largest footer accepted.</summary>
    public int MaxFooterLength { get; set; } = 256 << 20;

    public void Validate()
    {
        if (MaxValuesPerPage < 1) throw new ArgumentException($"{nameof(MaxValuesPerPage)} must be positive, got {MaxValuesPerPage}.");
        if (MaxFooterLength < 8) throw new ArgumentException($"{nameof(MaxFooterLength)} must be at least 8, got {MaxFooterLength}.");
    }
}
