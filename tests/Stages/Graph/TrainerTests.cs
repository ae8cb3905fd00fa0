using Pipeline.Data.Problems;
using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Algorithms;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Tests.Stages.Graph;

public class TrainerTests
{
    private static readonly Problem Problem = new() { Id = "p", Prompt = "x", Answer = "1", Task = "arithmetic" };

    private static StepBatch Batch(TinyPolicy policy, int groups, int size, ulong seed, long version = 0)
    {
        var kept = new List<DecidedGroup>();
        for (int g = 0; g < groups; g++)
        {
            var request = new GroupRequest("r", 1, g, 0, g, Problem, size, "on_policy", null, seed + (ulong)g);
            var prompt = new[] { 3 + g, 4, 5 };
            var gen = policy.GenerateAsync(new GenerationRequest([.. Enumerable.Repeat(prompt, size)], new SamplingOptions { MaxNewTokens = 6 }, request.Seed), CancellationToken.None).Result;
            var rollouts = gen.Completions.Select((c, i) => new Rollout
            {
                Request = request,
                SampleIndex = i,
                PolicyVersion = version,
                PromptTokenIds = prompt,
                CompletionTokenIds = c.TokenIds,
                BehaviourLogProbs = c.LogProbs,
                CompletionText = "",
                FinishReason = c.FinishReason,
                Reward = i % 2,
                Correct = i % 2 == 1,
            }).ToArray();
            kept.Add(new DecidedGroup(request, rollouts, [.. rollouts.Select(r => (float)r.Reward)], true, "kept"));
        }
        var batch = new StepBatch(1, kept, [], DateTimeOffset.UtcNow);
        var algorithm = new AlgorithmConfig();
        return AdvantageBlock.Compute(batch, algorithm.CreateEstimator(), algorithm.CreateTokenCredit(), false);
    }

    private static (Trainer Trainer, AdamW Optimizer) Make(TinyPolicy policy, TrainerOptions options, AlgorithmConfig? algorithm = null, IPolicyModel? reference = null)
    {
        var optimizer = new AdamW(policy.Parameters, 1e-2);
        var objective = (algorithm ?? new AlgorithmConfig()).CreateObjective();
        return (new Trainer(policy, objective, optimizer, new LRScheduler(optimizer, new ConstantSchedule(1e-2)), options, reference), optimizer);
    }

    [Fact]
    public void MicroBatchAccumulationEqualsOneFullBatchStep()
    {
        using var a = new TinyPolicy(new TinyPolicyOptions { VocabSize = 16, Dim = 8, Hidden = 8, Seed = 3 });
        using var b = new TinyPolicy(new TinyPolicyOptions { VocabSize = 16, Dim = 8, Hidden = 8, Seed = 3 });
        var batch = Batch(a, groups: 3, size: 4, seed: 1);
        var (ta, oa) = Make(a, new TrainerOptions { MicroBatchSize = 12, GradClip = 0 });
        var (tb, ob) = Make(b, new TrainerOptions { MicroBatchSize = 5, GradClip = 0 });
        using (oa)
        using (ob)
        {
            var sa = ta.Train(batch);
            var sb = tb.Train(batch);
            Assert.Equal(sa.GradNorm, sb.GradNorm, 4);
            Assert.Equal(sa.Loss, sb.Loss, 5);
            for (int i = 0; i < a.Parameters.Count; i++)
            {
                var x = a.Parameters[i].data<float>();
                var y = b.Parameters[i].data<float>();
                for (int k = 0; k < x.Length; k++) Assert.Equal(x[k], y[k], 4);
            }
        }
    }

    [Fact]
    public void EpochsAndMiniBatchesTakeOneOptimizerStepEachAndMoveTheRatio()
    {
        using var policy = new TinyPolicy(new TinyPolicyOptions { VocabSize = 16, Dim = 8, Hidden = 8, Seed = 4 });
        var batch = Batch(policy, groups: 2, size: 4, seed: 2);
        var before = policy.Parameters[0].data<float>();
        var (trainer, optimizer) = Make(policy, new TrainerOptions { MicroBatchSize = 3, PpoEpochs = 2, MiniBatches = 2 });
        using (optimizer)
        {
            var stats = trainer.Train(batch);
            Assert.Equal(4, stats.OptimizerSteps);
            Assert.NotEqual(1.0, stats.RatioMax);
            Assert.NotEqual(before, policy.Parameters[0].data<float>());
            Assert.True(double.IsFinite(stats.Loss) && stats.GradNorm > 0);
        }
    }

    [Fact]
    public void OffPolicyRowsGetTruncatedImportanceWeightsAtMostTheCap()
    {
        using var policy = new TinyPolicy(new TinyPolicyOptions { VocabSize = 16, Dim = 8, Hidden = 8, Seed = 5 });
        var batch = Batch(policy, groups: 2, size: 4, seed: 3);
        // Behaviour log-probs far below the trainer's: every raw ratio exceeds the cap.
        var shifted = batch with
        {
            Rows = [.. batch.Rows.Select(r => r with { Rollout = r.Rollout with { BehaviourLogProbs = [.. r.Rollout.BehaviourLogProbs.Select(v => v - 5f)] } })],
        };
        var (trainer, optimizer) = Make(policy, new TrainerOptions { OffPolicy = true, TisCap = 2.0 });
        using (optimizer)
        {
            var stats = trainer.Train(shifted);
            Assert.Equal(2.0, stats.TisMean, 4);
            Assert.Equal(5.0, stats.LogProbDiff, 3);
        }
    }

    [Fact]
    public void TheKlTermUsesTheReferenceModel()
    {
        using var policy = new TinyPolicy(new TinyPolicyOptions { VocabSize = 16, Dim = 8, Hidden = 8, Seed = 6 });
        using var reference = new TinyPolicy(new TinyPolicyOptions { VocabSize = 16, Dim = 8, Hidden = 8, Seed = 60 });
        var batch = Batch(policy, groups: 2, size: 4, seed: 4);
        var algorithm = new AlgorithmConfig { KlCoef = 0.1 };
        var (trainer, optimizer) = Make(policy, new TrainerOptions(), algorithm, reference);
        using (optimizer)
        {
            Assert.True(trainer.Train(batch).Kl > 0);
        }
        Assert.Throws<ArgumentException>(() => Make(policy, new TrainerOptions(), algorithm, null));
    }
}
