namespace Pipeline.Data.Datasets;

/// <summary>What a load did: rows seen, problems kept, and the bad rows (all counted, the first ones kept with reasons).</summary>
public sealed record DatasetLoadReport(string Source, long RowsRead, long RowsLoaded, long BadRows, IReadOnlyList<RowError> Errors)
{
    public override string ToString() =>
        BadRows == 0
            ? $"{Source}: loaded {RowsLoaded} of {RowsRead} rows"
            : $"{Source}: loaded {RowsLoaded} of {RowsRead} rows, skipped {BadRows} bad rows" +
              (Errors.Count < BadRows ? $" (first {Errors.Count} listed)" : "") + ":" +
              string.Concat(Errors.Select(e => "\n  " + e));
}
