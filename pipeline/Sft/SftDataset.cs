using Pipeline.Data.Datasets;
using Pipeline.Data.Problems;
using Pipeline.Data.Tasks;
using Pipeline.Model.Tokenizers;
using Pipeline.Stages.Sft;

namespace Pipeline.Cli.Sft;

/// <summary>Where warm-start examples come from: a task's reference solutions, or a JSONL/Parquet file of pairs.</summary>
public static class SftDataset
{
    /// <summary>The reference solutions of the first <paramref name="count"/> training-split problems (the same stream GRPO's pool is drawn from).</summary>
    public static IReadOnlyList<(string Prompt, string Completion)> FromTask(ITask task, TaskOptions options, int count)
    {
        var problems = ProblemGenerator.Generate(task, options, ProblemSplit.Train, count);
        return [.. problems.Select(p => (p.Prompt, p.Solution ?? throw new InvalidOperationException($"task '{task.Name}' problem {p.Id} has no reference solution.")))];
    }

    /// <summary>
    /// Pairs from a dataset file (.parquet, else JSONL): a string field <c>prompt</c> and a string
    /// field <c>completion</c>, or <c>solution</c> when there is no completion. A bad row stops the
    /// load with its file, line (or row) and field.
    /// </summary>
    public static IReadOnlyList<(string Prompt, string Completion)> FromFile(string path, CancellationToken cancellationToken = default)
    {
        IRowSource source = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? new ParquetRowSource(path) : new JsonlRowSource(path);
        var pairs = new List<(string, string)>();
        foreach (var row in source.ReadRows(cancellationToken))
        {
            if (row.Fields is not { } fields) throw new DatasetFormatException(new RowError(source.Name, source.Unit, row.Number, null, row.Error ?? "unreadable"));
            string Text(string field) => fields.TryGetValue(field, out var v) && v is string s && s.Length > 0
                ? s
                : throw new DatasetFormatException(new RowError(source.Name, source.Unit, row.Number, field, v is null ? "missing or null" : v is string ? "empty" : $"expected a string, found {v.GetType().Name}"));
            var completionField = fields.ContainsKey("completion") || !fields.ContainsKey("solution") ? "completion" : "solution";
            pairs.Add((Text("prompt"), Text(completionField)));
        }

        if (pairs.Count == 0) throw new DatasetFormatException(new RowError(source.Name, source.Unit, 0, null, "the file holds no rows"));
        return pairs;
    }

    /// <summary>Prompts as generation sees them (with the tokenizer's specials), completions as bare targets.</summary>
    public static IReadOnlyList<SftExample> Encode(IEnumerable<(string Prompt, string Completion)> pairs, ITokenizer tokenizer) =>
        [.. pairs.Select(p => new SftExample(tokenizer.Encode(p.Prompt), tokenizer.Encode(p.Completion, addSpecialTokens: false)))];
}
