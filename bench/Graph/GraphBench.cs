using Pipeline.Cli.Configuration;
using Pipeline.Cli.Training;
using Pipeline.Data.Problems;
using Pipeline.Data.Rollouts;
using Pipeline.Data.Tasks;
using Pipeline.Data.Verifiers;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Bench.Graph;

/// <summary>Builds a graph run on the fake policy with stage costs under the benchmark's control.</summary>
internal static class GraphBench
{
    private static readonly IReadOnlyList<Problem> Pool =
        ProblemGenerator.Generate(TaskRegistry.CreateDefault().Get("arithmetic"), new TaskOptions { Difficulty = 1, Seed = 1 }, ProblemSplit.Train, 512);

    public static RunConfig Config(int steps, int prompts, int groupSize, string mode, int maxStaleness, double generateMs, int verifyParallelism) => new()
    {
        Name = "bench",
        Model = new ModelSection { Type = "fake", MaxLength = 8, LatencyMs = generateMs },
        Task = new TaskSection { GroupSize = groupSize, PromptsPerStep = prompts, PoolSize = 512 },
        Generation = new GenerationSection { MaxNewTokens = 8 },
        Training = new TrainingSection { Steps = steps, Mode = mode, MaxStaleness = maxStaleness, CheckpointEvery = 0 },
        Pipeline = new PipelineSection
        {
            VerifyParallelism = verifyParallelism,
            VerifyCapacity = Math.Max(64, verifyParallelism * 2),
            GroupFilterCapacity = 64,
            SampleCapacity = Math.Max(4, prompts),
        },
    };

    public static GraphResult Run(RunConfig config, double verifyMs, double trainMs)
    {
        var tokenizer = TrainingRun.CreateTokenizer();
        using var policy = TrainingRun.CreatePolicy(config, tokenizer);
        var parts = new GraphParts
        {
            RunId = "bench",
            Policy = policy,
            Trainer = new SleepTrainer(trainMs),
            Tokenizer = tokenizer,
            Verifier = new FixedCostVerifier(verifyMs),
            Sampler = new UniformPromptSampler(Pool, 1),
            RolloutLog = new DiscardRollouts(),
            Metrics = new DiscardMetrics(),
            Checkpoints = new NoCheckpoints(),
        };
        var result = TrainingGraph.RunAsync(config, parts, CancellationToken.None).GetAwaiter().GetResult();
        if (result.LastStep != config.Training.Steps) throw new InvalidOperationException($"ran {result.LastStep} of {config.Training.Steps} steps");
        return result;
    }

    /// <summary>Stands in for the optimizer step: costs a fixed wall time, touches no model.</summary>
    private sealed class SleepTrainer(double ms) : ITrainer
    {
        public TrainStats Train(StepBatch batch)
        {
            if (ms > 0) Thread.Sleep(TimeSpan.FromMilliseconds(ms));
            return new TrainStats { Tokens = batch.Rows.Sum(r => r.Rollout.CompletionTokenIds.Length) };
        }
    }

    private sealed class FixedCostVerifier(double ms) : IAsyncVerifier
    {
        public string Name => "answer";

        public async ValueTask<VerifierResult> VerifyAsync(VerifyInput input, CancellationToken cancellationToken)
        {
            if (ms > 0) await Task.Delay(TimeSpan.FromMilliseconds(ms), cancellationToken).ConfigureAwait(false);
            return VerifierResult.Of(Name, input.Completion.Length % 2, "parity");
        }
    }

    private sealed class DiscardRollouts : IRolloutSink
    {
        public void WriteStep(long step, IReadOnlyList<RolloutRecord> rollouts)
        {
        }
    }

    private sealed class DiscardMetrics : IMetricsSink
    {
        public void Write(IReadOnlyDictionary<string, double> metrics)
        {
        }
    }

    private sealed class NoCheckpoints : ICheckpointSink
    {
        public bool IsDue(long step) => false;

        public void Save(long step, RunCounters counters)
        {
        }
    }
}
