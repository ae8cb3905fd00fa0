using Pipeline.Stages.Metrics;

namespace Pipeline.Stages.Graph;

/// <summary>
/// One metrics.jsonl line from a step's outcome. Reward, pass rate and lengths cover every
/// rollout decided in the step (trained and filtered), as TRL logs what was generated; advantage,
/// loss and staleness cover the trained rows.
/// </summary>
public static class StepMetrics
{
    public static Dictionary<string, double> Compute(StepOutcome outcome, IReadOnlyDictionary<string, int> queueDepths, double stepSeconds)
    {
        var batch = outcome.Batch;
        var s = outcome.Stats;
        var groups = batch.Kept.Concat(batch.Filtered).ToList();
        var all = groups.SelectMany(g => g.Rollouts.Select((r, i) => (Rollout: r, Reward: (double)g.Rewards[i]))).ToList();
        var m = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.Step] = batch.Step,
            [MetricNames.PolicyVersion] = outcome.PolicyVersion,
            [MetricNames.Reward] = Mean(all.Select(a => a.Reward)),
            [MetricNames.RewardStd] = Std(all.Select(a => a.Reward)),
            [MetricNames.PassRate] = Mean(all.Select(a => a.Rollout.Correct ? 1.0 : 0.0)),
            [MetricNames.FracRewardZeroStd] = Share(groups, g => g.Rewards.Distinct().Count() == 1),
            [MetricNames.GroupsAllCorrect] = Share(groups, g => g.Rollouts.All(r => r.Correct)),
            [MetricNames.GroupsAllWrong] = Share(groups, g => !g.Rollouts.Any(r => r.Correct)),
            [MetricNames.GroupsFiltered] = groups.Count == 0 ? 0 : batch.Filtered.Count / (double)groups.Count,
            [MetricNames.Loss] = s.Loss,
            [MetricNames.PolicyLoss] = s.PolicyLoss,
            [MetricNames.ClipRatioLow] = s.ClipRatioLow,
            [MetricNames.ClipRatioHigh] = s.ClipRatioHigh,
            [MetricNames.ClipFrac] = s.ClipFrac,
            [MetricNames.ClipFracLower] = s.ClipFracLower,
            [MetricNames.PpoKl] = s.PpoKl,
            [MetricNames.RatioMean] = s.RatioMean,
            [MetricNames.RatioMax] = s.RatioMax,
            [MetricNames.Kl] = s.Kl,
            [MetricNames.Entropy] = s.Entropy,
            [MetricNames.GradNorm] = s.GradNorm,
            [MetricNames.LearningRate] = s.LearningRate,
            ["training/rollout_is_weight/mean"] = s.TisMean,
            ["training/rollout_probs_diff_mean"] = s.LogProbDiff,
            [MetricNames.MeanLength] = Mean(all.Select(a => (double)a.Rollout.CompletionTokenIds.Length)),
            [MetricNames.MeanLengthCorrect] = Mean(all.Where(a => a.Rollout.Correct).Select(a => (double)a.Rollout.CompletionTokenIds.Length)),
            [MetricNames.MeanLengthIncorrect] = Mean(all.Where(a => !a.Rollout.Correct).Select(a => (double)a.Rollout.CompletionTokenIds.Length)),
            [MetricNames.TruncationRate] = Mean(all.Select(a => a.Rollout.Truncated ? 1.0 : 0.0)),
            [MetricNames.TimeTrain] = outcome.TrainSeconds,
            [MetricNames.TimeStep] = stepSeconds,
            [MetricNames.TimeGenerate] = groups.Sum(g => g.Rollouts[0].GenerationMs) / 1000.0,
            [MetricNames.TimeVerify] = all.Sum(a => a.Rollout.VerifyMs) / 1000.0,
            [MetricNames.TokensPerSecond] = stepSeconds > 0 ? all.Sum(a => a.Rollout.CompletionTokenIds.Length) / stepSeconds : 0,
            [MetricNames.RolloutsPerSecond] = stepSeconds > 0 ? all.Count / stepSeconds : 0,
            ["training/optimizer_steps"] = s.OptimizerSteps,
        };

        var rows = batch.Rows;
        m[MetricNames.AdvantageMean] = Mean(rows.Select(r => (double)r.Advantage));
        m[MetricNames.AdvantageMax] = rows.Count == 0 ? 0 : rows.Max(r => r.Advantage);
        m[MetricNames.AdvantageMin] = rows.Count == 0 ? 0 : rows.Min(r => r.Advantage);
        var staleness = batch.Kept.Select(g => (double)(batch.Step - 1 - g.Rollouts[0].PolicyVersion)).ToList();
        m[MetricNames.StalenessMean] = Mean(staleness);
        m[MetricNames.StalenessMax] = staleness.Count == 0 ? 0 : staleness.Max();

        foreach (var name in all.SelectMany(a => a.Rollout.RewardParts.Select(p => p.Name)).Distinct(StringComparer.Ordinal))
        {
            var values = all.Select(a => a.Rollout.RewardParts.FirstOrDefault(p => p.Name == name).Value).ToList();
            m[MetricNames.RewardComponentMean(name)] = Mean(values);
            m[MetricNames.RewardComponentStd(name)] = Std(values);
        }

        foreach (var (block, depth) in queueDepths) m[MetricNames.QueueDepth(block)] = depth;
        return m;
    }

    private static double Share(List<DecidedGroup> groups, Func<DecidedGroup, bool> predicate) =>
        groups.Count == 0 ? 0 : groups.Count(predicate) / (double)groups.Count;

    private static double Mean(IEnumerable<double> values)
    {
        double sum = 0;
        int n = 0;
        foreach (var v in values) { sum += v; n++; }
        return n == 0 ? 0 : sum / n;
    }

    private static double Std(IEnumerable<double> values)
    {
        var list = values as IList<double> ?? values.ToList();
        if (list.Count < 2) return 0;
        double mean = Mean(list);
        return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
    }
}
