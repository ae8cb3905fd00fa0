using System.Globalization;
using Pipeline.Data.Parquet;

namespace Pipeline.Data.Datasets;

/// <summary>
/// Rows of a Parquet file through our codec, one row group at a time. Values become the plain CLR
/// values the loader maps (string, long, double, bool, lists); a file the codec cannot read
/// becomes one error row naming the problem, so the loader reports it like any bad row.
/// </summary>
public sealed class ParquetRowSource(string path, ParquetReadOptions? options = null) : IRowSource
{
    public string Name => path;

    public string Unit => "row";

    public IEnumerable<SourceRow> ReadRows(CancellationToken cancellationToken = default)
    {
        ParquetFileReader reader;
        try
        {
            reader = ParquetFileReader.Open(path, options);
        }
        catch (Exception e) when (e is ParquetException or IOException or UnauthorizedAccessException)
        {
            return [new SourceRow(1, null, $"not a readable Parquet file: {e.Message}")];
        }

        return Rows(reader, cancellationToken);
    }

    private static IEnumerable<SourceRow> Rows(ParquetFileReader reader, CancellationToken cancellationToken)
    {
        using (reader)
        {
            var names = reader.Schema.TopLevelNames;
            using var rows = reader.ReadRows().GetEnumerator();
            long number = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                object?[]? values = null;
                string? error = null;
                try
                {
                    if (!rows.MoveNext())
                    {
                        yield break;
                    }

                    values = rows.Current;
                }
                catch (ParquetException e)
                {
                    error = e.Message;
                }

                if (values is null)
                {
                    // A corrupt page ends the file: what follows cannot be located reliably.
                    yield return new SourceRow(number + 1, null, $"unreadable from here on: {error}");
                    yield break;
                }

                number++;
                var fields = new Dictionary<string, object?>(names.Count, StringComparer.Ordinal);
                for (var i = 0; i < names.Count; i++)
                {
                    fields[names[i]] = Plain(values[i]);
                }

                yield return new SourceRow(number, fields);
            }
        }
    }

    /// <summary>Parquet's CLR values narrowed to the loader's: integers as long, reals as double, times as ISO text.</summary>
    private static object? Plain(object? value) => value switch
    {
        null => null,
        string or bool or long or double => value,
        int i => (long)i,
        uint u => (long)u,
        ulong u => u <= long.MaxValue ? (long)u : (double)u,
        float f => (double)f,
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        byte[] b => Convert.ToBase64String(b),
        System.Collections.IEnumerable list => list.Cast<object?>().Select(Plain).ToList(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
