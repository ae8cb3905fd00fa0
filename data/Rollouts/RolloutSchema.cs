using System.Text;
using Pipeline.Data.Parquet;
using Pipeline.Data.Parquet.Metadata;
using Pipeline.Data.Parquet.Schema;

namespace Pipeline.Data.Rollouts;

/// <summary>
/// The Parquet schema of the rollout log. Column order and types are part of the file format:
/// docs/rollout-schema.md documents them and a snapshot test pins <see cref="Describe"/>.
/// </summary>
public static class RolloutSchema
{
    /// <summary>Bumped whenever a column is added, removed or changes type.</summary>
    public const int Version = 2;

    public const string VersionKey = "pipeline.rollout_schema_version";
    public const string RunIdKey = "pipeline.run_id";

    // Column indexes, in schema order.
    public const int RunId = 0, Step = 1, PolicyVersion = 2, PromptId = 3, GroupId = 4, SampleIndex = 5, Task = 6,
        ProvenanceColumn = 7, GenerationContext = 8, TrainingContext = 9, PromptTokenIds = 10, CompletionTokenIds = 11,
        BehaviourLogProbs = 12, CompletionText = 13, FinishReason = 14, Truncated = 15, RewardNames = 16, RewardValues = 17,
        RewardTotal = 18, Advantage = 19, TokenAdvantages = 20, FilterDecision = 21, FilterReason = 22, HintTier = 23,
        GenerationMs = 24, VerifyMs = 25, CreatedAt = 26,
        GenerationPromptTokenIds = 27, ForcedTokens = 28, GuidanceSource = 29, GuidanceTreatment = 30;

    public static readonly ParquetSchema Schema = ParquetSchema.Create(
        ParquetField.String("run_id"),
        ParquetField.Int64("step"),
        ParquetField.Int64("policy_version"),
        ParquetField.String("prompt_id"),
        ParquetField.Int64("group_id"),
        ParquetField.Int32("sample_index"),
        ParquetField.String("task"),
        ParquetField.String("provenance"),
        ParquetField.String("generation_context"),
        ParquetField.String("training_context"),
        ParquetField.Int32("prompt_token_ids").AsList(),
        ParquetField.Int32("completion_token_ids").AsList(),
        ParquetField.Float("behaviour_logprobs").AsList(),
        ParquetField.String("completion_text"),
        ParquetField.String("finish_reason"),
        ParquetField.Boolean("truncated"),
        ParquetField.String("reward_names").AsList(),
        ParquetField.Double("reward_values").AsList(),
        ParquetField.Double("reward_total"),
        ParquetField.Float("advantage"),
        ParquetField.Float("token_advantages", nullable: true).AsList(),
        ParquetField.String("filter_decision"),
        ParquetField.String("filter_reason", nullable: true),
        ParquetField.Int32("hint_tier", nullable: true),
        ParquetField.Double("generation_ms"),
        ParquetField.Double("verify_ms"),
        ParquetField.Timestamp("created_at", TimeUnit.Micros, adjustedToUtc: true),
        ParquetField.Int32("generation_prompt_token_ids").AsList(),
        ParquetField.Int32("forced_tokens"),
        ParquetField.String("guidance_source", nullable: true),
        ParquetField.String("guidance_treatment", nullable: true));

    /// <summary>One line per top-level column: name, Parquet type, nullability. Pinned by a snapshot test.</summary>
    public static string Describe()
    {
        var sb = new StringBuilder();
        foreach (var f in Schema.Fields!)
        {
            string type = f.LogicalType?.Kind switch
            {
                LogicalTypeKind.String => "STRING",
                LogicalTypeKind.Timestamp => $"TIMESTAMP({f.LogicalType.Unit.ToString().ToUpperInvariant()}, UTC)",
                _ => f.Type.ToString().ToUpperInvariant(),
            };
            if (f.IsList) type = $"LIST<{type}{(f.ElementNullable ? "" : " NOT NULL")}>";
            sb.Append(f.Name).Append(' ').Append(type).Append(f.Nullable ? " NULL" : " NOT NULL").Append('\n');
        }
        return sb.ToString();
    }
}
