using Pipeline.Data.Rollouts;

namespace Pipeline.Cli.Rollouts;

/// <summary>
/// What `pipeline rollouts` prints of a rollout log: per-step reward, length and pass rate, the
/// hardest prompts, and why rollouts were filtered. A rollout passes when its correctness
/// component (answer, math, exact or countdown) is positive, or, without one, its total is.
/// </summary>
public sealed class RolloutSummary
{
    public static readonly string[] CorrectnessComponents = ["answer", "math", "exact", "countdown"];

    public sealed record StepRow(long Step, int Rollouts, double RewardMean, double PassRate, double MeanLength, double TruncationRate, int Filtered);

    public sealed record PromptRow(string PromptId, int Attempts, double PassRate);

    public IReadOnlyList<StepRow> Steps { get; private init; } = [];

    public IReadOnlyList<PromptRow> Hardest { get; private init; } = [];

    public IReadOnlyList<(string Reason, int Count)> FilterReasons { get; private init; } = [];

    public static bool Passed(RolloutRecord r)
    {
        for (var i = 0; i < r.RewardNames.Count; i++)
        {
            if (CorrectnessComponents.Contains(r.RewardNames[i]))
            {
                return r.RewardValues[i] > 0;
            }
        }

        return r.RewardTotal > 0;
    }

    public static RolloutSummary Build(IEnumerable<RolloutRecord> rollouts, int hardest = 10, int minAttempts = 2)
    {
        var steps = new SortedDictionary<long, List<RolloutRecord>>();
        var prompts = new Dictionary<string, (int Attempts, int Passes)>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in rollouts)
        {
            if (!steps.TryGetValue(r.Step, out var list))
            {
                steps[r.Step] = list = [];
            }

            list.Add(r);
            var (attempts, passes) = prompts.GetValueOrDefault(r.PromptId);
            prompts[r.PromptId] = (attempts + 1, passes + (Passed(r) ? 1 : 0));
            if (r.FilterDecision != "trained")
            {
                var reason = $"{r.FilterDecision}: {r.FilterReason ?? "-"}";
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
        }

        return new RolloutSummary
        {
            Steps = [.. steps.Select(s => new StepRow(
                s.Key,
                s.Value.Count,
                s.Value.Average(r => r.RewardTotal),
                s.Value.Count(Passed) / (double)s.Value.Count,
                s.Value.Average(r => r.CompletionTokenIds.Length),
                s.Value.Count(r => r.Truncated) / (double)s.Value.Count,
                s.Value.Count(r => r.FilterDecision != "trained")))],
            Hardest = [.. prompts.Where(p => p.Value.Attempts >= minAttempts)
                .Select(p => new PromptRow(p.Key, p.Value.Attempts, p.Value.Passes / (double)p.Value.Attempts))
                .OrderBy(p => p.PassRate).ThenByDescending(p => p.Attempts).ThenBy(p => p.PromptId, StringComparer.Ordinal)
                .Take(hardest)],
            FilterReasons = [.. reasons.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value))],
        };
    }

    /// <summary>The DuckDB queries computing the same tables, for users who want to go further.</summary>
    public static string Sql(string directory)
    {
        var files = Path.Combine(directory, "*.parquet").Replace("'", "''", StringComparison.Ordinal);
        var correct = string.Join(", ", CorrectnessComponents.Select(c => $"'{c}'"));
        return $"""
            -- Per step: rollouts, reward, pass rate, length, truncation, filtered.
            WITH r AS (
              SELECT *, coalesce(
                (SELECT v > 0 FROM (SELECT unnest(reward_names) AS n, unnest(reward_values) AS v) WHERE n IN ({correct}) LIMIT 1),
                reward_total > 0) AS passed
              FROM read_parquet('{files}')
            )
            SELECT step, count(*) AS rollouts, avg(reward_total) AS reward_mean, avg(passed::INT) AS pass_rate,
                   avg(len(completion_token_ids)) AS mean_length, avg(truncated::INT) AS truncation_rate,
                   sum((filter_decision <> 'trained')::INT) AS filtered
            FROM r GROUP BY step ORDER BY step;

            -- Hardest prompts: lowest pass rate among prompts tried at least twice.
            WITH r AS (
              SELECT prompt_id, coalesce(
                (SELECT v > 0 FROM (SELECT unnest(reward_names) AS n, unnest(reward_values) AS v) WHERE n IN ({correct}) LIMIT 1),
                reward_total > 0) AS passed
              FROM read_parquet('{files}')
            )
            SELECT prompt_id, count(*) AS attempts, avg(passed::INT) AS pass_rate
            FROM r GROUP BY prompt_id HAVING count(*) >= 2 ORDER BY pass_rate, attempts DESC, prompt_id LIMIT 10;

            -- Why rollouts were not trained on.
            SELECT filter_decision || ': ' || coalesce(filter_reason, '-') AS reason, count(*) AS n
            FROM read_parquet('{files}') WHERE filter_decision <> 'trained' GROUP BY 1 ORDER BY n DESC, 1;
            """;
    }
}
