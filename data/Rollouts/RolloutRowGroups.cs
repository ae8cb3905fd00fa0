using System.Buffers;
using Pipeline.Data.Parquet;
using S = Pipeline.Data.Rollouts.RolloutSchema;

namespace Pipeline.Data.Rollouts;

/// <summary>Converts between a step's rollouts and one Parquet row group of the rollout schema.</summary>
internal static class RolloutRowGroups
{
    /// <summary>Checks a step's rollouts; messages name the rollout and the offending field.</summary>
    public static void Validate(long step, IReadOnlyList<RolloutRecord> rollouts, int maxRollouts)
    {
        if (rollouts.Count > maxRollouts)
            throw new ArgumentException($"Step {step}: {rollouts.Count} rollouts exceed rollout_log.MaxRolloutsPerStep = {maxRollouts}.");
        for (int i = 0; i < rollouts.Count; i++)
        {
            var r = rollouts[i] ?? throw new ArgumentException($"Step {step}: rollout {i} is null.");
            string who = $"Step {step}, rollout {i} (prompt '{r.PromptId}', sample {r.SampleIndex})";
            if (r.Step != step) throw new ArgumentException($"{who}: field Step is {r.Step}, but it is being logged for step {step}.");
            Require(r.RunId, nameof(r.RunId), who);
            Require(r.PromptId, nameof(r.PromptId), who);
            Require(r.Task, nameof(r.Task), who);
            Require(r.Provenance, nameof(r.Provenance), who);
            Require(r.GenerationContext, nameof(r.GenerationContext), who);
            Require(r.TrainingContext, nameof(r.TrainingContext), who);
            Require(r.CompletionText, nameof(r.CompletionText), who);
            Require(r.FinishReason, nameof(r.FinishReason), who);
            Require(r.FilterDecision, nameof(r.FilterDecision), who);
            if (r.BehaviourLogProbs.Length != r.CompletionTokenIds.Length)
                throw new ArgumentException($"{who}: field BehaviourLogProbs has {r.BehaviourLogProbs.Length} entries for {r.CompletionTokenIds.Length} completion tokens.");
            if (r.TokenAdvantages is { } ta && ta.Length != r.CompletionTokenIds.Length)
                throw new ArgumentException($"{who}: field TokenAdvantages has {ta.Length} entries for {r.CompletionTokenIds.Length} completion tokens.");
            if (r.RewardNames is null || r.RewardValues is null || r.RewardNames.Count != r.RewardValues.Count)
                throw new ArgumentException($"{who}: fields RewardNames ({r.RewardNames?.Count}) and RewardValues ({r.RewardValues?.Count}) must have the same length.");
            foreach (var name in r.RewardNames) if (name is null) throw new ArgumentException($"{who}: field RewardNames contains null.");
        }
    }

    private static void Require(string? value, string field, string who)
    {
        if (value is null) throw new ArgumentException($"{who}: field {field} is null.");
    }

    /// <summary>Writes one row group; the large columns are encoded in parallel.</summary>
    public static void Write(ParquetFileWriter file, IReadOnlyList<RolloutRecord> rs, int parallelism)
    {
        int n = rs.Count;
        using var g = file.BeginRowGroup(n);
        try
        {
            Parallel.Invoke(
                new ParallelOptions { MaxDegreeOfParallelism = parallelism },
                () => WriteIntList(g, S.CompletionTokenIds, rs, r => r.CompletionTokenIds.Span),
                () => WriteFloatList(g, S.BehaviourLogProbs, rs, r => r.BehaviourLogProbs.Span, null),
                () =>
                {
                    g.WriteString(S.CompletionText, Strings(rs, r => r.CompletionText));
                    g.WriteString(S.GenerationContext, Strings(rs, r => r.GenerationContext));
                    g.WriteString(S.TrainingContext, Strings(rs, r => r.TrainingContext));
                },
                () =>
                {
                    WriteIntList(g, S.PromptTokenIds, rs, r => r.PromptTokenIds.Span);
                    WriteIntList(g, S.GenerationPromptTokenIds, rs, r => (r.GenerationPromptTokenIds ?? r.PromptTokenIds).Span);
                    WriteFloatList(g, S.TokenAdvantages, rs, r => r.TokenAdvantages is { } t ? t.Span : default, r => r.TokenAdvantages is null);
                    WriteSmallColumns(g, rs);
                });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        g.Complete();
    }

    private static void WriteSmallColumns(ParquetRowGroupWriter g, IReadOnlyList<RolloutRecord> rs)
    {
        int n = rs.Count;
        g.WriteString(S.RunId, Strings(rs, r => r.RunId));
        g.WriteInt64(S.Step, Map(rs, r => r.Step));
        g.WriteInt64(S.PolicyVersion, Map(rs, r => r.PolicyVersion));
        g.WriteString(S.PromptId, Strings(rs, r => r.PromptId));
        g.WriteInt64(S.GroupId, Map(rs, r => r.GroupId));
        g.WriteInt32(S.SampleIndex, Map(rs, r => r.SampleIndex));
        g.WriteString(S.Task, Strings(rs, r => r.Task));
        g.WriteString(S.ProvenanceColumn, Strings(rs, r => r.Provenance));
        g.WriteString(S.FinishReason, Strings(rs, r => r.FinishReason));
        g.WriteBoolean(S.Truncated, Map(rs, r => r.Truncated));
        var rewardOffsets = new int[n + 1];
        for (int i = 0; i < n; i++) rewardOffsets[i + 1] = rewardOffsets[i] + rs[i].RewardNames.Count;
        g.WriteStringList(S.RewardNames, rs.SelectMany(r => r.RewardNames).ToArray(), rewardOffsets);
        g.WriteDoubleList(S.RewardValues, rs.SelectMany(r => r.RewardValues).ToArray(), rewardOffsets);
        g.WriteDouble(S.RewardTotal, Map(rs, r => r.RewardTotal));
        g.WriteFloat(S.Advantage, Map(rs, r => r.Advantage));
        g.WriteString(S.FilterDecision, Strings(rs, r => r.FilterDecision));
        g.WriteString(S.FilterReason, Strings(rs, r => r.FilterReason));
        g.WriteInt32(S.HintTier, Map(rs, r => r.HintTier ?? 0), Map(rs, r => r.HintTier is null));
        g.WriteDouble(S.GenerationMs, Map(rs, r => r.GenerationMs));
        g.WriteDouble(S.VerifyMs, Map(rs, r => r.VerifyMs));
        g.WriteInt64(S.CreatedAt, Map(rs, r => (r.CreatedAt.UtcTicks - DateTime.UnixEpoch.Ticks) / 10));
        g.WriteInt32(S.ForcedTokens, Map(rs, r => r.ForcedTokens));
        g.WriteString(S.GuidanceSource, Strings(rs, r => r.GuidanceSource));
        g.WriteString(S.GuidanceTreatment, Strings(rs, r => r.GuidanceTreatment));
    }

    private delegate ReadOnlySpan<T> SpanOf<T>(RolloutRecord r);

    private static void WriteIntList(ParquetRowGroupWriter g, int column, IReadOnlyList<RolloutRecord> rs, SpanOf<int> get)
    {
        var (values, offsets, total) = Flatten(rs, get);
        try
        {
            g.WriteInt32List(column, values.AsSpan(0, total), offsets);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(values);
        }
    }

    private static void WriteFloatList(ParquetRowGroupWriter g, int column, IReadOnlyList<RolloutRecord> rs, SpanOf<float> get, Func<RolloutRecord, bool>? isNull)
    {
        var (values, offsets, total) = Flatten(rs, get);
        try
        {
            g.WriteFloatList(column, values.AsSpan(0, total), offsets, isNull is null ? default : Map(rs, isNull));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
        }
    }

    private static (T[] Values, int[] Offsets, int Total) Flatten<T>(IReadOnlyList<RolloutRecord> rs, SpanOf<T> get)
    {
        var offsets = new int[rs.Count + 1];
        long total = 0;
        for (int i = 0; i < rs.Count; i++)
        {
            total += get(rs[i]).Length;
            if (total > Array.MaxLength) throw new ArgumentException("One step holds more than 2^31 tokens in a column.");
            offsets[i + 1] = (int)total;
        }
        var values = ArrayPool<T>.Shared.Rent((int)Math.Max(1, total));
        for (int i = 0; i < rs.Count; i++) get(rs[i]).CopyTo(values.AsSpan(offsets[i]));
        return (values, offsets, (int)total);
    }

    private static T[] Map<T>(IReadOnlyList<RolloutRecord> rs, Func<RolloutRecord, T> f)
    {
        var a = new T[rs.Count];
        for (int i = 0; i < a.Length; i++) a[i] = f(rs[i]);
        return a;
    }

    private static string?[] Strings(IReadOnlyList<RolloutRecord> rs, Func<RolloutRecord, string?> f) => Map(rs, f);
}
