namespace Pipeline.Data.Datasets;

public sealed class DatasetLoadOptions
{
    public DatasetFieldMap Fields { get; set; } = new();

    /// <summary>skip_bad_rows: load the good rows and report the bad ones, instead of stopping at the first.</summary>
    public bool SkipBadRows { get; set; }

    /// <summary>Bad rows beyond this many are counted but their reasons are not kept.</summary>
    public int MaxReportedErrors { get; set; } = 100;

    /// <summary>Rows to load at most (0: all).</summary>
    public long MaxRows { get; set; }

    /// <summary>A longer JSONL line is a bad row, read past without being held in memory.</summary>
    public int MaxLineChars { get; set; } = 4 * 1024 * 1024;

    public int MaxJsonDepth { get; set; } = 64;

    public void Validate()
    {
        Fields.Validate();
        if (MaxReportedErrors < 0 || MaxRows < 0 || MaxLineChars < 16 || MaxJsonDepth < 2)
            throw new ArgumentOutOfRangeException(nameof(MaxLineChars),
                "need MaxReportedErrors >= 0, MaxRows >= 0, MaxLineChars >= 16, MaxJsonDepth >= 2");
    }
}
