using Pipeline.Data.Problems;

namespace Pipeline.Data.Datasets;

/// <summary>
/// Loads problems from any <see cref="IRowSource"/>. A bad row (unreadable, a missing or mistyped
/// field, a duplicate id) stops the load with an error naming file, line or row and field, or,
/// with skip_bad_rows, is counted and reported while the load goes on.
/// </summary>
public static class DatasetLoader
{
    public static Dataset LoadJsonl(string path, DatasetLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DatasetLoadOptions();
        return Load(new JsonlRowSource(path, options.MaxLineChars, options.MaxJsonDepth), options, cancellationToken);
    }

    public static Dataset Load(IRowSource source, DatasetLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DatasetLoadOptions();
        options.Validate();
        var mapper = new ProblemMapper(options.Fields, source.Name);
        var problems = new List<Problem>();
        var firstSeen = new Dictionary<string, long>(StringComparer.Ordinal);
        var errors = new List<RowError>();
        long read = 0, bad = 0;
        foreach (var row in source.ReadRows(cancellationToken))
        {
            if (options.MaxRows > 0 && problems.Count >= options.MaxRows)
                break;
            read++;
            RowError? error = null;
            if (row.Fields is null)
            {
                error = new RowError(source.Name, source.Unit, row.Number, null, row.Error ?? "unreadable");
            }
            else if (mapper.TryMap(row.Fields, out var field, out var message) is not { } problem)
            {
                error = new RowError(source.Name, source.Unit, row.Number, field, message);
            }
            else if (!firstSeen.TryAdd(problem.Id, row.Number))
            {
                error = new RowError(source.Name, source.Unit, row.Number, options.Fields.Id,
                    $"duplicate id '{problem.Id}' (first at {source.Unit} {firstSeen[problem.Id]})");
            }
            else
            {
                problems.Add(problem);
            }
            if (error is null)
                continue;
            if (!options.SkipBadRows)
                throw new DatasetFormatException(error);
            bad++;
            if (errors.Count < options.MaxReportedErrors)
                errors.Add(error);
        }
        return new Dataset(problems, new DatasetLoadReport(source.Name, read, problems.Count, bad, errors));
    }
}
