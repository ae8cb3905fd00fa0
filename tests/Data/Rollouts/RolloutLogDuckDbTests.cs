using System.Text.Json;
using Pipeline.Data.Rollouts;
using Pipeline.Tests.Data.Parquet;

namespace Pipeline.Tests.Data.Rollouts;

/// <summary>The rollout log as users meet it: DuckDB over the run's directory, queries from docs/rollout-schema.md.</summary>
public class RolloutLogDuckDbTests
{
    [Fact]
    public void DuckDB_reads_the_rollout_log_as_documented()
    {
        Assert.True(DuckDbJson.Available, "tests/oracles/node_modules is missing: run `./run setup` (npm ci in tests/oracles).");
        using var dir = new TempDir();
        var options = new RolloutLogOptions { Directory = dir.Path, RollEverySteps = 2 };
        var written = new List<RolloutRecord>();
        using (var log = RolloutLogWriter.Open(options))
        {
            for (long s = 1; s <= 5; s++)
            {
                var r = RolloutFactory.Step(s, 9);
                log.WriteStep(s, r);
                written.AddRange(r);
            }
        }
        string glob = DuckDbJson.Quote(Path.Combine(dir.Path, "*.parquet"));
        var result = DuckDbJson.Query(
            "select step, prompt_id, group_id, sample_index, provenance, reward_total, " +
            "reward_values[list_position(reward_names, 'correctness')] as correctness, len(completion_token_ids) as completion_tokens, " +
            "completion_token_ids, behaviour_logprobs, token_advantages, hint_tier, filter_reason, truncated, completion_text, epoch_us(created_at) as created, " +
            "prompt_token_ids, generation_prompt_token_ids, forced_tokens, guidance_source, guidance_treatment " +
            $"from read_parquet({glob}) order by step, group_id, sample_index");
        var rows = result.GetProperty("rows");
        var expected = written.OrderBy(r => r.Step).ThenBy(r => r.GroupId).ThenBy(r => r.SampleIndex).ToList();
        Assert.Equal(expected.Count, rows.GetArrayLength());
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = rows[i];
            string at = $"row {i}";
            DuckDbJson.AssertSame(e.Step, a.GetProperty("step"), at);
            DuckDbJson.AssertSame(e.PromptId, a.GetProperty("prompt_id"), at);
            DuckDbJson.AssertSame(e.Provenance, a.GetProperty("provenance"), at);
            DuckDbJson.AssertSame(e.RewardTotal, a.GetProperty("reward_total"), at);
            DuckDbJson.AssertSame(e.RewardNames.Count == 0 ? null : e.RewardValues[0], a.GetProperty("correctness"), at);
            DuckDbJson.AssertSame((long)e.CompletionTokenIds.Length, a.GetProperty("completion_tokens"), at);
            DuckDbJson.AssertSame(e.CompletionTokenIds.ToArray().Cast<object>().ToList(), a.GetProperty("completion_token_ids"), at);
            DuckDbJson.AssertSame(e.BehaviourLogProbs.ToArray().Cast<object>().ToList(), a.GetProperty("behaviour_logprobs"), at);
            DuckDbJson.AssertSame(e.TokenAdvantages?.ToArray().Cast<object>().ToList(), a.GetProperty("token_advantages"), at);
            DuckDbJson.AssertSame(e.HintTier, a.GetProperty("hint_tier"), at);
            DuckDbJson.AssertSame(e.FilterReason, a.GetProperty("filter_reason"), at);
            DuckDbJson.AssertSame(e.Truncated, a.GetProperty("truncated"), at);
            DuckDbJson.AssertSame(e.CompletionText, a.GetProperty("completion_text"), at);
            DuckDbJson.AssertSame(e.CreatedAt.UtcDateTime, a.GetProperty("created"), at);
            DuckDbJson.AssertSame(e.PromptTokenIds.ToArray().Cast<object>().ToList(), a.GetProperty("prompt_token_ids"), at);
            DuckDbJson.AssertSame((e.GenerationPromptTokenIds ?? e.PromptTokenIds).ToArray().Cast<object>().ToList(), a.GetProperty("generation_prompt_token_ids"), at);
            DuckDbJson.AssertSame(e.ForcedTokens, a.GetProperty("forced_tokens"), at);
            DuckDbJson.AssertSame(e.GuidanceSource, a.GetProperty("guidance_source"), at);
            DuckDbJson.AssertSame(e.GuidanceTreatment, a.GetProperty("guidance_treatment"), at);
        }
    }
}
