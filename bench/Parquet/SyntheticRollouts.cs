using Pipeline.Data.Rollouts;

namespace Pipeline.Bench.Parquet;

/// <summary>
/// Deterministic rollouts for the write/read benchmarks. The formulas match the DuckDB peer
/// (tests/oracles/duckdb-bench-server.mjs) so both sides write the same rows.
/// </summary>
public static class SyntheticRollouts
{
    public const int RolloutsPerStep = 1000;

    public static List<RolloutRecord>[] Steps(int rows, int completionTokens, int promptTokens)
    {
        var steps = new List<RolloutRecord>[(rows + RolloutsPerStep - 1) / RolloutsPerStep];
        for (int s = 0; s < steps.Length; s++) steps[s] = new List<RolloutRecord>(RolloutsPerStep);
        var created = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);
        for (long i = 0; i < rows; i++)
        {
            var prompt = new int[promptTokens];
            for (int x = 0; x < promptTokens; x++) prompt[x] = (int)(((i / 8) * 7919 + x * 104729L) % 50000);
            var completion = new int[completionTokens];
            var logprobs = new float[completionTokens];
            for (int x = 0; x < completionTokens; x++)
            {
                completion[x] = (int)((i * 7919 + x * 104729L) % 50000);
                logprobs[x] = -(float)((i * 31 + x * 17) % 1000) / 200f;
            }
            string context = $"Question {i / 8}: how many apples are left?";
            steps[i / RolloutsPerStep].Add(new RolloutRecord
            {
                RunId = "bench-run",
                Step = i / RolloutsPerStep,
                PolicyVersion = i / RolloutsPerStep,
                PromptId = $"prompt-{i / 8}",
                GroupId = i / 8,
                SampleIndex = (int)(i % 8),
                Task = "gsm8k",
                Provenance = i % 10 == 0 ? Provenance.Hinted : Provenance.OnPolicy,
                GenerationContext = context,
                TrainingContext = context,
                PromptTokenIds = prompt,
                CompletionTokenIds = completion,
                BehaviourLogProbs = logprobs,
                CompletionText = $"The answer is {i % 97}. Step by step: we take {i} and subtract.",
                FinishReason = i % 13 == 0 ? "length" : "stop",
                Truncated = i % 13 == 0,
                RewardNames = ["correctness", "format"],
                RewardValues = [i % 2, 0.1],
                RewardTotal = i % 2 + 0.1,
                Advantage = i % 2 - 0.5f,
                TokenAdvantages = null,
                FilterDecision = "kept",
                FilterReason = null,
                HintTier = i % 10 == 0 ? 1 : null,
                GenerationMs = i % 1000,
                VerifyMs = i % 10,
                CreatedAt = created.AddTicks(i * 10_000),
            });
        }
        return steps;
    }
}
