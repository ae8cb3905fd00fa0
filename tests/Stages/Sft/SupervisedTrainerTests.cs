using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Policy;
using Pipeline.Stages.Sft;

namespace Pipeline.Tests.Stages.Sft;

public class SupervisedTrainerTests
{
    private const int Vocab = 12;

    private static TinyPolicy Policy(ulong seed = 3) => new(new TinyPolicyOptions { VocabSize = Vocab, Dim = 16, Hidden = 32, Seed = seed, PadId = 0 });

    // Completions of different lengths, so a sequence mean and a token mean differ.
    private static readonly SftExample[] Examples =
    [
        new([1, 4, 5], [6, 7, 2]),
        new([1, 5], [8, 2]),
        new([1, 4, 4, 9], [3, 3, 3, 3, 2]),
        new([1, 6], [10, 11, 9, 2]),
    ];

    /// <summary>The slow obvious NLL: each example scored alone, its completion log-probs summed one by one in doubles.</summary>
    private static double ReferenceNll(IPolicyModel policy, IReadOnlyList<SftExample> examples)
    {
        double sum = 0;
        long tokens = 0;
        foreach (var e in examples)
        {
            using var scope = torch.NewDisposeScope();
            var logp = policy.Score([e.Prompt], [e.Completion], 1.0, withGrad: false).LogProbs.to(ScalarType.Float32).data<float>();
            for (int t = 0; t < e.Completion.Length; t++)
            {
                sum -= logp[t];
                tokens++;
            }
        }

        return sum / tokens;
    }

    [Fact]
    public void BatchedNllIsTheTokenMeanOfEachExampleScoredAlone()
    {
        using var policy = Policy();
        double reference = ReferenceNll(policy, Examples);
        Assert.Equal(reference, SupervisedTrainer.MeanNll(policy, Examples, microBatchSize: 4), 5);
        Assert.Equal(reference, SupervisedTrainer.MeanNll(policy, Examples, microBatchSize: 3), 5);
    }

    [Fact]
    public void StepLossAndGradientAreTheBatchTokenMeanNllsHoweverItIsMicroBatched()
    {
        var norms = new List<double>();
        foreach (var micro in new[] { 1, 2, 4 })
        {
            using var policy = Policy();
            double reference = ReferenceNll(policy, Examples);
            using var optimizer = new AdamW(policy.Parameters, 0.01);
            var trainer = new SupervisedTrainer(policy, Examples, new SftOptions { Steps = 1, BatchSize = 4, MicroBatchSize = micro }, optimizer, new ConstantSchedule(0.01));
            var stats = trainer.Step(Examples);
            Assert.Equal(reference, stats.Loss, 5);
            Assert.Equal(14, stats.Tokens);
            norms.Add(stats.GradNorm);
        }

        // The accumulated gradient (its norm before clipping) is the whole batch's, not a sum of micro-batch means.
        Assert.All(norms, n => Assert.Equal(norms[^1], n, 4));
    }

    [Fact]
    public void LossFallsOverTraining()
    {
        using var policy = Policy();
        double before = SupervisedTrainer.MeanNll(policy, Examples, 4);
        using var optimizer = new AdamW(policy.Parameters, 0.03);
        var trainer = new SupervisedTrainer(policy, Examples, new SftOptions { Steps = 60, BatchSize = 2, MicroBatchSize = 2, Seed = 5 }, optimizer, new CosineSchedule(0.03, 5, 60));
        var stats = trainer.Run();
        Assert.Equal(60, stats.Count);
        Assert.Equal(60, trainer.StepsDone);
        double after = SupervisedTrainer.MeanNll(policy, Examples, 4);
        Assert.True(after < 0.5 * before, $"NLL {before:F3} -> {after:F3}");
        Assert.All(stats, s => Assert.True(double.IsFinite(s.GradNorm)));
    }

    [Fact]
    public void BatchesWalkASeededShuffleVisitingEveryExampleOncePerPass()
    {
        using var policy = Policy();
        using var optimizer = new AdamW(policy.Parameters, 0.01);
        SftExample[] Walk(ulong seed)
        {
            var trainer = new SupervisedTrainer(policy, Examples, new SftOptions { BatchSize = 2, Seed = seed }, optimizer, new ConstantSchedule(0.01));
            return [.. Enumerable.Range(0, 4).SelectMany(_ => trainer.NextBatch())];
        }

        var a = Walk(7);
        Assert.Equal(a, Walk(7));
        Assert.Equal(Examples.ToHashSet(), a.Take(4).ToHashSet());
        Assert.Equal(Examples.ToHashSet(), a.Skip(4).ToHashSet());
        Assert.Contains(Enumerable.Range(100, 20), s => !Walk((ulong)s).SequenceEqual(a));
    }

    [Fact]
    public void EmptyCompletionsAndBadOptionsAreRefused()
    {
        using var policy = Policy();
        using var optimizer = new AdamW(policy.Parameters, 0.01);
        var empty = Assert.Throws<ArgumentException>(() => new SupervisedTrainer(policy, [new SftExample([1], [])], new SftOptions(), optimizer, new ConstantSchedule(0.01)));
        Assert.Contains("example 0 has an empty completion", empty.Message);
        var steps = Assert.Throws<ArgumentOutOfRangeException>(() => new SupervisedTrainer(policy, Examples, new SftOptions { Steps = 0 }, optimizer, new ConstantSchedule(0.01)));
        Assert.Contains("sft.steps", steps.Message);
    }
}
