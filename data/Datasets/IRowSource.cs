namespace Pipeline.Data.Datasets;

/// <summary>
/// Rows of a dataset file, independent of its format: JSONL today, Parquet once our codec lands.
/// Field values are plain CLR values: string, long, double, bool, null,
/// IReadOnlyList&lt;object?&gt; and IReadOnlyDictionary&lt;string, object?&gt;.
/// A row that cannot be read at all carries an <see cref="SourceRow.Error"/> instead of fields,
/// so the loader can name it and go on when told to.
/// </summary>
public interface IRowSource
{
    /// <summary>The file (or other origin) named in error messages.</summary>
    string Name { get; }

    /// <summary>What <see cref="SourceRow.Number"/> counts: "line" for JSONL, "row" for Parquet.</summary>
    string Unit { get; }

    IEnumerable<SourceRow> ReadRows(CancellationToken cancellationToken = default);
}

/// <param name="Number">1-based line or row number.</param>
public sealed record SourceRow(long Number, IReadOnlyDictionary<string, object?>? Fields, string? Error = null);
