using Pipeline.Data.Problems;
using Pipeline.Data.Rollouts;
using Pipeline.Model.Torch;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Guidance;

namespace Pipeline.Tests.Stages.Guidance;

public class ReplayTests
{
    private static RolloutRecord Record(string prompt, long step, long group, int sample, double reward, string provenance = Provenance.OnPolicy, string fate = Fate.Trained) => new()
    {
        RunId = "r",
        Step = step,
        PolicyVersion = step - 1,
        PromptId = prompt,
        GroupId = group,
        SampleIndex = sample,
        Task = "arithmetic",
        Provenance = provenance,
        GenerationContext = "q " + prompt,
        TrainingContext = "q " + prompt,
        PromptTokenIds = new[] { 1, 2, 3 },
        CompletionTokenIds = new[] { 4, 5 },
        BehaviourLogProbs = new[] { -0.5f, -1.5f },
        CompletionText = "45",
        FinishReason = "stop",
        RewardTotal = reward,
        FilterDecision = fate,
    };

    private static StepBatch Fresh(long step, int rows)
    {
        var request = new GroupRequest("r", step, 0, 0, 99, new Problem { Id = "x", Prompt = "x", Answer = "1", Task = "arithmetic" }, rows, Provenance.OnPolicy, null, 1);
        var fresh = Enumerable.Range(0, rows).Select(i => new TrainRow(new Rollout
        {
            Request = request,
            SampleIndex = i,
            PolicyVersion = 0,
            PromptTokenIds = [1],
            CompletionTokenIds = [2],
            BehaviourLogProbs = [-1f],
            CompletionText = "",
            FinishReason = "stop",
        }, 0, 0f, [0f], [1f])).ToList();
        return new StepBatch(step, [], [], DateTimeOffset.UtcNow) { Rows = fresh };
    }

    [Fact]
    public void MixesDistinctSuccessesOfStillHardPromptsWithPassRateBaselines()
    {
        var dir = Directory.CreateTempSubdirectory("pipeline-replay-").FullName;
        try
        {
            using (var writer = RolloutLogWriter.Open(new RolloutLogOptions { Directory = dir, RollEverySteps = 1 }))
            {
                writer.WriteStep(1, [Record("hard", 1, 10, 0, 1), Record("hard", 1, 10, 1, 0), Record("easy", 1, 11, 0, 1), Record("hard", 1, 12, 0, 1, fate: Fate.Filtered)]);
                writer.WriteStep(2, [Record("hard", 2, 20, 0, 1), Record("hard", 2, 20, 1, 1, Provenance.Replayed), Record("hard", 2, 21, 0, 1)]);
                writer.Finish();
            }

            var pool = new[] { new Problem { Id = "hard", Prompt = "q hard", Answer = "1", Task = "arithmetic" }, new Problem { Id = "easy", Prompt = "q easy", Answer = "1", Task = "arithmetic" } };
            var sampler = new UniformPromptSampler(pool, 1);
            sampler.Record("hard", 10, 1, 1, 20);
            sampler.Record("easy", 10, 9, 1, 20);
            var mixer = new ReplayMixer(new ReplayReader(dir), new ReplayOptions { Share = 1, IsCap = 3, MaxPassRate = 0.2 }, sampler, 5);

            var mixed = mixer.Mix(Fresh(3, 8));
            // Trained successes, not replayed: 10/0, 11/0 (easy), 20/0, 21/0; of them the hard prompt's are mixed in.
            Assert.Equal(4, mixer.Candidates);
            var replayed = mixed.Rows.Skip(8).ToList();
            Assert.Equal(3, replayed.Count);
            Assert.Equal([(10L, 0), (20L, 0), (21L, 0)], replayed.Select(r => (r.Rollout.Request.GroupId, r.Rollout.SampleIndex)).Order());
            Assert.All(replayed, r =>
            {
                Assert.Equal(Provenance.Replayed, r.Rollout.Request.Provenance);
                Assert.Equal(0.9f, r.Advantage, 6);
                Assert.All(r.TokenAdvantages, a => Assert.Equal(0.9f, a, 6));
                Assert.Equal(3, r.ReplayIsCap);
                Assert.Equal([-0.5f, -1.5f], r.Rollout.BehaviourLogProbs);
            });
            Assert.Equal(3, replayed.Select(r => r.GroupIndex).Distinct().Count());

            // The prompt got easier: nothing left to replay.
            sampler.Record("hard", 10, 10, 2, 20);
            Assert.Equal(8, mixer.Mix(Fresh(4, 8)).Rows.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TruncatedWeightsMatchAScalarReference()
    {
        float[] old = [-0.1f, -2f, -1f, -0.5f, -3f, -0.2f];
        float[] behaviour = [-1f, -0.5f, -1f, -2.5f, -0.1f, -0.3f];
        double?[] caps = [2.0, null, 1.5];
        using var scope = torch.NewDisposeScope();
        var w = ReplayWeights.Truncated(torch.tensor(old, [3, 2]), torch.tensor(behaviour, [3, 2]), caps).data<float>();
        for (int i = 0; i < 6; i++)
        {
            double expected = caps[i / 2] is { } cap ? Math.Min(Math.Exp(old[i] - behaviour[i]), cap) : 1;
            Assert.Equal(expected, w[i], 5);
        }
    }
}
