using Pipeline.Data.Problems;
using LlamaConfig = Pipeline.Model.Policy.LlamaConfig;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Algorithms;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Tests.Stages.Graph;

/// <summary>
/// Trainer steps on a Llama policy give the same weights whether scoring runs the fused native
/// kernel or the op-by-op autograd path (model/Policy/Scorer.cs).
/// </summary>
public class NativeScoringTrainerTests
{
    private static readonly LlamaConfig Config = new()
    {
        VocabSize = 31, HiddenSize = 16, IntermediateSize = 28, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 2, MaxPositionEmbeddings = 64, TieWordEmbeddings = true, InitializerRange = 0.2,
    };

    private static StepBatch Batch(LlamaPolicy policy, ulong seed)
    {
        var problem = new Problem { Id = "p", Prompt = "x", Answer = "1", Task = "arithmetic" };
        var kept = new List<DecidedGroup>();
        for (int g = 0; g < 3; g++)
        {
            var request = new GroupRequest("r", 1, g, 0, g, problem, 4, "on_policy", null, seed + (ulong)g);
            var prompt = Enumerable.Range(0, 2 + 2 * g).Select(i => 3 + (i * 7 + g) % 25).ToArray();
            var gen = policy.GenerateAsync(new GenerationRequest([.. Enumerable.Repeat(prompt, 4)],
                new SamplingOptions { MaxNewTokens = 5 + g, StopIds = [1] }, request.Seed), CancellationToken.None).Result;
            var rollouts = gen.Completions.Select((c, i) => new Rollout
            {
                Request = request, SampleIndex = i, PolicyVersion = 0, PromptTokenIds = prompt, CompletionTokenIds = c.TokenIds,
                BehaviourLogProbs = c.LogProbs, CompletionText = "", FinishReason = c.FinishReason, Reward = (i + g) % 2,
                Correct = (i + g) % 2 == 1,
            }).ToArray();
            kept.Add(new DecidedGroup(request, rollouts, [.. rollouts.Select(r => (float)r.Reward)], true, "kept"));
        }
        var algorithm = new AlgorithmConfig();
        return AdvantageBlock.Compute(new StepBatch(1, kept, [], DateTimeOffset.UtcNow), algorithm.CreateEstimator(),
            algorithm.CreateTokenCredit(), false);
    }

    [Fact]
    public void TrainerStepsGiveTheSameWeightsOnBothScoringPaths()
    {
        var algorithm = new AlgorithmConfig { EntropyCoef = 0.05 };
        var options = new TrainerOptions { MicroBatchSize = 5, PpoEpochs = 2 };
        StepBatch[] batches;
        using (var sampler = LlamaPolicy.Create(Config, seed: 4))
        {
            // Fixed rollouts for both runs, so that only the scoring path differs.
            batches = [.. Enumerable.Range(0, 3).Select(s => Batch(sampler, 10 * (ulong)s))];
        }
        float[][] Train(bool native)
        {
            using var policy = LlamaPolicy.Create(Config, seed: 4);
            policy.Model.UseNativeKernel = native;
            using var optimizer = new AdamW(policy.Parameters, 1e-2);
            var trainer = new Trainer(policy, algorithm.CreateObjective(), optimizer, new LRScheduler(optimizer, new ConstantSchedule(1e-2)),
                options, reference: null);
            foreach (var batch in batches) trainer.Train(batch);
            return [.. policy.Parameters.Select(p => p.data<float>())];
        }
        var reference = Train(native: false);
        var native = Train(native: true);
        for (var i = 0; i < reference.Length; i++)
        {
            for (var k = 0; k < reference[i].Length; k++)
            {
                Assert.True(Math.Abs(reference[i][k] - native[i][k]) <= 1e-4 * Math.Max(1, Math.Abs(reference[i][k])),
                    $"parameter {i}[{k}]: reference {reference[i][k]}, native {native[i][k]}");
            }
        }
        Assert.True(reference.Zip(native).Any(p => p.First.Zip(p.Second).Any(v => v.First != v.Second)),
            "the two paths gave bit-identical weights: the native path was not taken");
    }
}
