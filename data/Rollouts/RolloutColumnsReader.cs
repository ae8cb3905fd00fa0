using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;
using S = Pipeline.Data.Rollouts.RolloutSchema;

namespace Pipeline.Data.Rollouts;

/// <summary>
/// Reads rollout columns of one row group on demand and builds records for chosen rows. Token
/// arrays of the records are slices of the decoded column arrays (no per-row copies).
/// </summary>
internal sealed class RolloutColumnsReader(ParquetFileReader file, int rowGroup)
{
    private readonly Dictionary<int, ColumnData> _columns = [];

    public int RowCount { get; } = checked((int)file.RowGroupRowCount(rowGroup));

    /// <summary>Fails with the file and column named when a file does not have the rollout schema.</summary>
    public static void CheckSchema(ParquetFileReader file, string fileName)
    {
        var expected = S.Schema.Columns;
        var actual = file.Schema.Columns;
        for (int i = 0; i < expected.Count; i++)
        {
            if (i >= actual.Count)
                throw new InvalidDataException($"{fileName}: column '{expected[i].DottedPath}' is missing; this is not a rollout log file of schema version {S.Version}.");
            if (actual[i].DottedPath != expected[i].DottedPath || actual[i].Type != expected[i].Type || actual[i].MaxRepetitionLevel != expected[i].MaxRepetitionLevel)
                throw new InvalidDataException($"{fileName}: column {i} is '{actual[i]}', expected '{expected[i]}' (rollout schema version {S.Version}).");
        }
    }

    private ColumnData Column(int index)
    {
        if (!_columns.TryGetValue(index, out var data))
        {
            data = file.ReadColumn(rowGroup, index);
            _columns[index] = data;
        }
        return data;
    }

    public long[] Int64s(int column) => Column(column).Int64s!;

    public double[] Doubles(int column) => Column(column).Doubles!;

    public string?[] Strings(int column)
    {
        var c = Column(column);
        var result = new string?[RowCount];
        var nulls = c.DefinitionLevels is null ? null : c.RowNulls();
        int v = 0;
        for (int r = 0; r < RowCount; r++)
        {
            if (nulls is not null && nulls[r]) continue;
            result[r] = c.GetString(v++);
        }
        return result;
    }

    public RolloutRecord Build(int row, bool includeText)
    {
        var prompt = List(S.PromptTokenIds, row, out _);
        var generationPrompt = List(S.GenerationPromptTokenIds, row, out _);
        var completion = List(S.CompletionTokenIds, row, out _);
        var logprobs = List(S.BehaviourLogProbs, row, out _);
        var tokenAdv = List(S.TokenAdvantages, row, out bool tokenAdvNull);
        var rewardNames = List(S.RewardNames, row, out _);
        var rewardValues = List(S.RewardValues, row, out _);
        var names = new string[rewardNames.Length];
        var rn = Column(S.RewardNames);
        for (int i = 0; i < names.Length; i++) names[i] = rn.GetString(rewardNames.Start + i);
        var hint = Column(S.HintTier);
        int? hintTier = null;
        if (hint.DefinitionLevels![row] == 1) hintTier = hint.Int32s![HintValueIndex(row)];
        return new RolloutRecord
        {
            RunId = StringAt(S.RunId, row)!,
            Step = Int64s(S.Step)[row],
            PolicyVersion = Int64s(S.PolicyVersion)[row],
            PromptId = StringAt(S.PromptId, row)!,
            GroupId = Int64s(S.GroupId)[row],
            SampleIndex = Column(S.SampleIndex).Int32s![row],
            Task = StringAt(S.Task, row)!,
            Provenance = StringAt(S.ProvenanceColumn, row)!,
            GenerationContext = includeText ? StringAt(S.GenerationContext, row)! : "",
            TrainingContext = includeText ? StringAt(S.TrainingContext, row)! : "",
            PromptTokenIds = new ReadOnlyMemory<int>(Column(S.PromptTokenIds).Int32s, prompt.Start, prompt.Length),
            CompletionTokenIds = new ReadOnlyMemory<int>(Column(S.CompletionTokenIds).Int32s, completion.Start, completion.Length),
            BehaviourLogProbs = new ReadOnlyMemory<float>(Column(S.BehaviourLogProbs).Floats, logprobs.Start, logprobs.Length),
            CompletionText = includeText ? StringAt(S.CompletionText, row)! : "",
            FinishReason = StringAt(S.FinishReason, row)!,
            Truncated = Column(S.Truncated).Booleans![row],
            RewardNames = names,
            RewardValues = new ArraySegment<double>(Column(S.RewardValues).Doubles!, rewardValues.Start, rewardValues.Length),
            RewardTotal = Doubles(S.RewardTotal)[row],
            Advantage = Column(S.Advantage).Floats![row],
            TokenAdvantages = tokenAdvNull ? (ReadOnlyMemory<float>?)null : new ReadOnlyMemory<float>(Column(S.TokenAdvantages).Floats, tokenAdv.Start, tokenAdv.Length),
            FilterDecision = StringAt(S.FilterDecision, row)!,
            FilterReason = StringAt(S.FilterReason, row),
            HintTier = hintTier,
            GenerationMs = Doubles(S.GenerationMs)[row],
            VerifyMs = Doubles(S.VerifyMs)[row],
            CreatedAt = CreatedAt(Int64s(S.CreatedAt)[row]),
            GenerationPromptTokenIds = new ReadOnlyMemory<int>(Column(S.GenerationPromptTokenIds).Int32s, generationPrompt.Start, generationPrompt.Length),
            ForcedTokens = Column(S.ForcedTokens).Int32s![row],
            GuidanceSource = StringAt(S.GuidanceSource, row),
            GuidanceTreatment = StringAt(S.GuidanceTreatment, row),
        };
    }

    private static DateTimeOffset CreatedAt(long micros)
    {
        long maxMicros = (DateTimeOffset.MaxValue.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
        long minMicros = -DateTime.UnixEpoch.Ticks / 10;
        if (micros < minMicros || micros > maxMicros) throw new ParquetFormatException($"created_at value {micros} us is outside the representable range.");
        return new DateTimeOffset(DateTime.UnixEpoch.Ticks + micros * 10, TimeSpan.Zero);
    }

    private readonly Dictionary<int, string?[]> _strings = [];
    private readonly Dictionary<int, (int[] Offsets, bool[] Nulls)> _lists = [];
    private int[]? _hintIndex;

    private string? StringAt(int column, int row)
    {
        if (!_strings.TryGetValue(column, out var values))
        {
            values = Strings(column);
            _strings[column] = values;
        }
        return values[row];
    }

    private (int Start, int Length) List(int column, int row, out bool isNull)
    {
        if (!_lists.TryGetValue(column, out var list))
        {
            var offsets = Column(column).ListOffsets(out var nulls);
            list = (offsets, nulls);
            _lists[column] = list;
        }
        isNull = list.Nulls[row];
        return (list.Offsets[row], list.Offsets[row + 1] - list.Offsets[row]);
    }

    private int HintValueIndex(int row)
    {
        if (_hintIndex is null)
        {
            var def = Column(S.HintTier).DefinitionLevels!;
            _hintIndex = new int[RowCount];
            int v = 0;
            for (int r = 0; r < RowCount; r++)
            {
                _hintIndex[r] = v;
                if (def[r] == 1) v++;
            }
        }
        return _hintIndex[row];
    }

    /// <summary>Step range of the row group from its statistics, when present.</summary>
    public static (long Min, long Max)? StepRange(ParquetFileReader file, int rowGroup) => Int64Range(file, rowGroup, S.Step);

    public static (double Min, double Max)? RewardRange(ParquetFileReader file, int rowGroup)
    {
        var stats = file.ColumnMetadata(rowGroup, S.RewardTotal).Statistics;
        if (stats?.MinValue is not { Length: 8 } min || stats.MaxValue is not { Length: 8 } max) return null;
        return (BitConverter.ToDouble(min), BitConverter.ToDouble(max));
    }

    private static (long, long)? Int64Range(ParquetFileReader file, int rowGroup, int column)
    {
        Statistics? stats = file.ColumnMetadata(rowGroup, column).Statistics;
        if (stats?.MinValue is not { Length: 8 } min || stats.MaxValue is not { Length: 8 } max) return null;
        return (BitConverter.ToInt64(min), BitConverter.ToInt64(max));
    }
}
