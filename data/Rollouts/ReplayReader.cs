using Pipeline.Data.Parquet;
using S = Pipeline.Data.Rollouts.RolloutSchema;

namespace Pipeline.Data.Rollouts;

/// <summary>
/// Streams logged rollouts back for training. Only complete files are read; files, then row
/// groups, are skipped by their step and reward statistics before any data is decoded, and within a
/// row group the filter columns are decoded first so the large token columns are read only when a
/// row matches.
/// </summary>
public sealed class ReplayReader
{
    private readonly string _directory;
    private readonly string _prefix;

    public ReplayReader(string directory, string filePrefix = "rollouts")
    {
        _directory = directory;
        _prefix = filePrefix;
    }

    public ReplayReader(RolloutLogOptions options) : this(options.Directory, options.FilePrefix) { }

    /// <summary>Complete log files, in step order.</summary>
    public IReadOnlyList<string> Files => RolloutFileNames.ListFinal(_directory, _prefix).Select(f => f.Path).ToList();

    public IEnumerable<RolloutRecord> Read(ReplayFilter? filter = null)
    {
        filter ??= ReplayFilter.All;
        filter.Validate();
        return ReadIterator(filter);
    }

    private IEnumerable<RolloutRecord> ReadIterator(ReplayFilter filter)
    {
        foreach (var (path, first, last) in RolloutFileNames.ListFinal(_directory, _prefix))
        {
            if (!filter.StepsOverlap(first, last)) continue;
            string name = Path.GetFileName(path);
            using var file = ParquetFileReader.Open(path);
            RolloutColumnsReader.CheckSchema(file, name);
            for (int g = 0; g < file.RowGroupCount; g++)
            {
                if (RolloutColumnsReader.StepRange(file, g) is { } steps && !filter.StepsOverlap(steps.Min, steps.Max)) continue;
                if (RolloutColumnsReader.RewardRange(file, g) is { } rewards && !filter.RewardsOverlap(rewards.Min, rewards.Max)) continue;
                var group = new RolloutColumnsReader(file, g);
                var rows = SelectRows(group, filter);
                foreach (int row in rows) yield return group.Build(row, filter.IncludeText);
            }
        }
    }

    private static List<int> SelectRows(RolloutColumnsReader group, ReplayFilter filter)
    {
        int n = group.RowCount;
        var keep = new List<int>(n);
        long[]? step = filter.MinStep is not null || filter.MaxStep is not null ? group.Int64s(S.Step) : null;
        double[]? reward = filter.MinReward is not null || filter.MaxReward is not null ? group.Doubles(S.RewardTotal) : null;
        string?[]? provenance = filter.Provenances is not null ? group.Strings(S.ProvenanceColumn) : null;
        string?[]? prompt = filter.PromptIds is not null ? group.Strings(S.PromptId) : null;
        for (int r = 0; r < n; r++)
        {
            if (step is not null && (step[r] < filter.MinStep || step[r] > filter.MaxStep)) continue;
            if (reward is not null && (reward[r] < filter.MinReward || reward[r] > filter.MaxReward || double.IsNaN(reward[r]))) continue;
            if (provenance is not null && !filter.Provenances!.Contains(provenance[r]!)) continue;
            if (prompt is not null && !filter.PromptIds!.Contains(prompt[r]!)) continue;
            keep.Add(r);
        }
        return keep;
    }
}
