using Pipeline.Data.Rollouts;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Data.Rollouts;

public class RolloutSchemaTests
{
    // Changing this snapshot changes the on-disk format: bump RolloutSchema.Version and update
    // docs/rollout-schema.md in the same change.
    private const string Snapshot = """
        run_id STRING NOT NULL
        step INT64 NOT NULL
        policy_version INT64 NOT NULL
        prompt_id STRING NOT NULL
        group_id INT64 NOT NULL
        sample_index INT32 NOT NULL
        task STRING NOT NULL
        provenance STRING NOT NULL
        generation_context STRING NOT NULL
        training_context STRING NOT NULL
        prompt_token_ids LIST<INT32 NOT NULL> NOT NULL
        completion_token_ids LIST<INT32 NOT NULL> NOT NULL
        behaviour_logprobs LIST<FLOAT NOT NULL> NOT NULL
        completion_text STRING NOT NULL
        finish_reason STRING NOT NULL
        truncated BOOLEAN NOT NULL
        reward_names LIST<STRING NOT NULL> NOT NULL
        reward_values LIST<DOUBLE NOT NULL> NOT NULL
        reward_total DOUBLE NOT NULL
        advantage FLOAT NOT NULL
        token_advantages LIST<FLOAT NOT NULL> NULL
        filter_decision STRING NOT NULL
        filter_reason STRING NULL
        hint_tier INT32 NULL
        generation_ms DOUBLE NOT NULL
        verify_ms DOUBLE NOT NULL
        created_at TIMESTAMP(MICROS, UTC) NOT NULL
        generation_prompt_token_ids LIST<INT32 NOT NULL> NOT NULL
        forced_tokens INT32 NOT NULL
        guidance_source STRING NULL
        guidance_treatment STRING NULL

        """;

    [Fact]
    public void Schema_matches_the_snapshot()
    {
        Assert.Equal(Snapshot.ReplaceLineEndings("\n"), RolloutSchema.Describe());
        Assert.Equal(2, RolloutSchema.Version);
    }

    [Fact]
    public void Docs_list_exactly_the_schema()
    {
        string docs = File.ReadAllText(Path.Combine(OracleRunner.OraclesFolder, "..", "..", "docs", "rollout-schema.md")).ReplaceLineEndings("\n");
        Assert.Contains("```text\n" + RolloutSchema.Describe() + "```", docs);
        foreach (var name in RolloutSchema.Schema.TopLevelNames) Assert.Contains($"| `{name}` |", docs);
    }
}
