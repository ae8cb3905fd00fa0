namespace Pipeline.Data.Datasets;

/// <summary>A bad row: where it is (file, line or row, field) and what is wrong with it.</summary>
public sealed record RowError(string Source, string Unit, long Number, string? Field, string Message)
{
    public override string ToString() =>
        Field is null ? $"{Source} {Unit} {Number}: {Message}" : $"{Source} {Unit} {Number}, field '{Field}': {Message}";
}

/// <summary>Thrown for the first bad row when skip_bad_rows is off.</summary>
public sealed class DatasetFormatException(RowError error)
    : Exception(error.ToString() + " (set skip_bad_rows to load the other rows and report the bad ones)")
{
    public RowError Error { get; } = error;
}
