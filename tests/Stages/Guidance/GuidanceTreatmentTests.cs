using Pipeline.Data.Problems;
using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Algorithms;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Guidance;
using Pipeline.Stages.Policy;

namespace Pipeline.Tests.Stages.Guidance;

/// <summary>
/// The trainer's loss on a step mixing a plain group and a hinted group, against a scalar loop
/// that follows each treatment's definition: which context the log-probs condition on, what the
/// ratio's denominator is, and which rows feed the SFT term.
/// </summary>
public class GuidanceTreatmentTests
{
    private static readonly Problem Problem = new() { Id = "p", Prompt = "x", Answer = "1", Task = "arithmetic", Solution = "ab" };
    private static readonly int[] PlainPrompt = [6, 4, 5];
    private static readonly int[] GenerationPrompt = [3, 4, 5, 9];
    private static readonly int[] TrainingPrompt = [3, 4, 5];

    private static StepBatch Batch(TinyPolicy policy, string treatment)
    {
        var t = GuidanceTreatments.Get(treatment);
        var payload = new GuidancePayload("tiered", 0, "x\nHint: h", "", t.PlainTrainingContext ? "x" : "x\nHint: h") { Treatment = treatment };
        var plain = new GroupRequest("r", 1, 0, 0, 1, Problem, 4, "on_policy", null, 5);
        var hinted = new GroupRequest("r", 1, 1, 1, 2, Problem, 4, "hinted", 0, 6) { Guidance = payload };
        var groups = new[]
        {
            Group(policy, plain, PlainPrompt, PlainPrompt, correct: i => i == 2),
            Group(policy, hinted, GenerationPrompt, t.PlainTrainingContext ? TrainingPrompt : GenerationPrompt, correct: i => i % 2 == 1),
        };
        var algorithm = new AlgorithmConfig();
        return AdvantageBlock.Compute(new StepBatch(1, groups, [], DateTimeOffset.UtcNow), algorithm.CreateEstimator(), algorithm.CreateTokenCredit(), false);
    }

    private static DecidedGroup Group(TinyPolicy policy, GroupRequest request, int[] prompt, int[] training, Func<int, bool> correct)
    {
        var gen = policy.GenerateAsync(new GenerationRequest([.. Enumerable.Repeat(prompt, 4)], new SamplingOptions { MaxNewTokens = 5 }, request.Seed), CancellationToken.None).Result;
        var rollouts = gen.Completions.Select((c, i) => new Rollout
        {
            Request = request,
            SampleIndex = i,
            PolicyVersion = 0,
            PromptTokenIds = prompt,
            TrainingPromptTokenIds = training,
            CompletionTokenIds = c.TokenIds,
            BehaviourLogProbs = c.LogProbs,
            CompletionText = "",
            FinishReason = c.FinishReason,
            Reward = correct(i) ? 1 : 0,
            Correct = correct(i),
        }).ToArray();
        return new DecidedGroup(request, rollouts, [.. rollouts.Select(r => (float)r.Reward)], true, "kept");
    }

    /// <summary>Per-token log-probs of every row under its training context, before any update.</summary>
    private static float[][] Score(TinyPolicy policy, StepBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var rows = batch.Rows;
        var score = policy.Score([.. rows.Select(r => r.Rollout.TrainingPromptTokenIds)], [.. rows.Select(r => r.Rollout.CompletionTokenIds)], 1.0, withGrad: false);
        var values = score.LogProbs.data<float>();
        int width = (int)score.LogProbs.size(1);
        return [.. rows.Select((r, i) => values.AsSpan(i * width, r.Rollout.CompletionTokenIds.Length).ToArray())];
    }

    /// <summary>PPO-clip token loss with verl's dual clip, written out per token.</summary>
    private static double PpoToken(double logp, double old, double a, AlgorithmConfig c)
    {
        double ratio = Math.Exp(Math.Clamp(logp - old, -20, 20));
        double clipped = Math.Clamp(ratio, 1 - c.ClipLow, 1 + c.ClipHigh);
        double loss = Math.Max(-a * ratio, -a * clipped);
        return a < 0 && c.ClipC is { } cc ? Math.Min(loss, -a * cc) : loss;
    }

    private static double Reference(StepBatch batch, float[][] logp, string treatment, AlgorithmConfig c)
    {
        var t = GuidanceTreatments.Get(treatment);
        double tokens = batch.Rows.Sum(r => r.Rollout.CompletionTokenIds.Length), policy = 0, sft = 0;
        for (int i = 0; i < batch.Rows.Count; i++)
        {
            var row = batch.Rows[i];
            bool guided = row.Rollout.Request.Guidance is not null;
            for (int k = 0; k < logp[i].Length; k++)
            {
                double old = guided && t.BehaviourDenominator ? row.Rollout.BehaviourLogProbs[k] : logp[i][k];
                if (!(guided && t.Imitation)) policy += PpoToken(logp[i][k], old, row.Advantage, c);
                if (guided && t.Imitation && row.Rollout.Correct) sft -= logp[i][k];
            }
        }
        return (policy + (c.SftCoef * sft)) / tokens;
    }

    /// <summary>Moves the weights after generation so behaviour and current log-probs differ and the clip bites.</summary>
    private static void Perturb(TinyPolicy policy)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(3);
        using var noGrad = torch.no_grad();
        foreach (var p in policy.Parameters) p.add_(torch.randn(p.shape, generator: generator) * 0.3);
    }

    [Theory]
    [InlineData("on_policy")]
    [InlineData("importance")]
    [InlineData("sft")]
    public void TrainerLossMatchesTheTreatmentsDefinition(string treatment)
    {
        using var policy = new TinyPolicy(new TinyPolicyOptions { VocabSize = 16, Dim = 8, Hidden = 8, Seed = 7 });
        var batch = Batch(policy, treatment);
        var algorithm = new AlgorithmConfig { SftCoef = 0.5, ClipLow = 0.1, ClipHigh = 0.1 };
        Perturb(policy);
        var logp = Score(policy, batch);
        double expected = Reference(batch, logp, treatment, algorithm);

        using var optimizer = new AdamW(policy.Parameters, 1e-3);
        var trainer = new Trainer(policy, algorithm.CreateObjective(), optimizer, new LRScheduler(optimizer, new ConstantSchedule(1e-3)),
            new TrainerOptions { MicroBatchSize = 3, GradClip = 0 }, null);
        var stats = trainer.Train(batch);
        Assert.Equal(expected, stats.Loss, 5);
    }

    [Fact]
    public void TreatmentsDifferOnTheSameBatch()
    {
        // Guards the reference test against treatments that silently do the same thing.
        var losses = new[] { "on_policy", "importance", "sft" }.Select(name =>
        {
            using var policy = new TinyPolicy(new TinyPolicyOptions { VocabSize = 16, Dim = 8, Hidden = 8, Seed = 7 });
            var batch = Batch(policy, name);
            Perturb(policy);
            return Reference(batch, Score(policy, batch), name, new AlgorithmConfig { SftCoef = 0.5, ClipLow = 0.1, ClipHigh = 0.1 });
        }).ToArray();
        Assert.Equal(3, losses.Distinct().Count());
    }
}
