using Pipeline.Data.Rollouts;

namespace Pipeline.Tests.Data.Rollouts;

internal static class RolloutFactory
{
    private static readonly string[] Provenances = [Provenance.OnPolicy, Provenance.Hinted, Provenance.Replayed, Provenance.Teacher];

    public static List<RolloutRecord> Step(long step, int count, int seed = 0, int completionTokens = 16)
    {
        var rng = new Random(unchecked((int)step * 7919 + seed));
        var list = new List<RolloutRecord>(count);
        for (int i = 0; i < count; i++)
        {
            int promptLen = rng.Next(1, 12);
            int completionLen = i % 5 == 4 ? 0 : rng.Next(1, completionTokens + 1);
            bool hinted = i % 3 == 1;
            list.Add(new RolloutRecord
            {
                RunId = "run-42",
                Step = step,
                PolicyVersion = step - (i % 2),
                PromptId = $"gsm8k/{(step * 10 + i / 4) % 37}",
                GroupId = step * 1000 + i / 4,
                SampleIndex = i % 4,
                Task = "gsm8k",
                Provenance = Provenances[i % Provenances.Length],
                GenerationContext = "Question " + i + (hinted ? " Hint: think in steps." : ""),
                TrainingContext = "Question " + i,
                PromptTokenIds = Enumerable.Range(0, promptLen).Select(_ => rng.Next(50_000)).ToArray(),
                CompletionTokenIds = Enumerable.Range(0, completionLen).Select(_ => rng.Next(50_000)).ToArray(),
                BehaviourLogProbs = Enumerable.Range(0, completionLen).Select(_ => -(float)rng.NextDouble() * 5).ToArray(),
                CompletionText = $"The answer is {rng.Next(1000)} ✓",
                FinishReason = i % 7 == 0 ? "length" : "stop",
                Truncated = i % 7 == 0,
                RewardNames = i % 6 == 5 ? [] : ["correctness", "format"],
                RewardValues = i % 6 == 5 ? [] : [rng.Next(2), rng.NextDouble() * 0.1],
                RewardTotal = Math.Round(rng.NextDouble() * 2 - 0.5, 3),
                Advantage = (float)(rng.NextDouble() - 0.5),
                TokenAdvantages = i % 2 == 0 ? (ReadOnlyMemory<float>?)null : Enumerable.Range(0, completionLen).Select(_ => (float)rng.NextDouble()).ToArray(),
                FilterDecision = i % 8 == 0 ? "dropped" : "kept",
                FilterReason = i % 8 == 0 ? "all_correct" : null,
                HintTier = hinted ? 1 + i % 3 : null,
                GenerationMs = rng.NextDouble() * 1000,
                VerifyMs = rng.NextDouble() * 10,
                CreatedAt = new DateTimeOffset(2026, 11, 22, 1, 2, 3, TimeSpan.Zero).AddTicks(10 * rng.NextInt64(0, 1_000_000_000)),
                GenerationPromptTokenIds = hinted ? Enumerable.Range(0, promptLen + 3).Select(_ => rng.Next(50_000)).ToArray() : null,
                ForcedTokens = hinted ? Math.Min(completionLen, i % 4) : 0,
                GuidanceSource = hinted ? "solution_prefix" : null,
                GuidanceTreatment = hinted ? (i % 2 == 0 ? "sft" : "importance") : null,
            });
        }
        return list;
    }

    public static void AssertSame(RolloutRecord e, RolloutRecord a, bool includeText = true)
    {
        string who = $"step {e.Step} prompt {e.PromptId} sample {e.SampleIndex}";
        Assert.True(e.RunId == a.RunId && e.Step == a.Step && e.PolicyVersion == a.PolicyVersion && e.PromptId == a.PromptId, who);
        Assert.Equal(e.GroupId, a.GroupId);
        Assert.Equal(e.SampleIndex, a.SampleIndex);
        Assert.Equal(e.Task, a.Task);
        Assert.Equal(e.Provenance, a.Provenance);
        Assert.Equal(includeText ? e.GenerationContext : "", a.GenerationContext);
        Assert.Equal(includeText ? e.TrainingContext : "", a.TrainingContext);
        Assert.Equal(includeText ? e.CompletionText : "", a.CompletionText);
        Assert.Equal(e.PromptTokenIds.ToArray(), a.PromptTokenIds.ToArray());
        Assert.Equal(e.CompletionTokenIds.ToArray(), a.CompletionTokenIds.ToArray());
        Assert.Equal(e.BehaviourLogProbs.ToArray(), a.BehaviourLogProbs.ToArray());
        Assert.Equal(e.FinishReason, a.FinishReason);
        Assert.Equal(e.Truncated, a.Truncated);
        Assert.Equal(e.RewardNames, a.RewardNames);
        Assert.Equal(e.RewardValues, a.RewardValues);
        Assert.Equal(e.RewardTotal, a.RewardTotal);
        Assert.Equal(e.Advantage, a.Advantage);
        Assert.Equal(e.TokenAdvantages?.ToArray(), a.TokenAdvantages?.ToArray());
        Assert.Equal(e.FilterDecision, a.FilterDecision);
        Assert.Equal(e.FilterReason, a.FilterReason);
        Assert.Equal(e.HintTier, a.HintTier);
        Assert.Equal(e.GenerationMs, a.GenerationMs);
        Assert.Equal(e.VerifyMs, a.VerifyMs);
        Assert.Equal(e.CreatedAt, a.CreatedAt);
        Assert.Equal((e.GenerationPromptTokenIds ?? e.PromptTokenIds).ToArray(), (a.GenerationPromptTokenIds ?? a.PromptTokenIds).ToArray());
        Assert.Equal(e.ForcedTokens, a.ForcedTokens);
        Assert.Equal(e.GuidanceSource, a.GuidanceSource);
        Assert.Equal(e.GuidanceTreatment, a.GuidanceTreatment);
    }
}
