using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pipeline.Bench.E2e;
using Pipeline.Bench.Shared;
using Pipeline.Data.Problems;
using Pipeline.Model.Policy;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Algorithms;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Bench.Training;

/// <summary>
/// One GRPO training step of the Trainer on a Llama policy, at the e2e benchmark's shapes: 4 groups
/// of 4 rollouts, 112-token prompts (the arithmetic task's length), 24-token completions; PPO-clip,
/// token-mean, gradient clipping, AdamW. Baseline: the same rows scored without grad (the forward
/// pass alone), so the ratio is the cost of backward + optimizer. tok/s counts completion tokens.
/// <c>./run bench --filter '*TrainStep*' --job short</c>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TrainStepConfig))]
public class TrainStepBenchmarks
{
    private const int Groups = 4, GroupSize = 4, PromptLen = 112, CompletionLen = 24, Vocab = 359;
    private LlamaPolicy _policy = null!;
    private AdamW _optimizer = null!;
    private Trainer _trainer = null!;
    private StepBatch _batch = null!;

    [Params("tiny", "small")]
    public string Size { get; set; } = "tiny";

    [Params(8, 16)]
    public int MicroBatch { get; set; } = 8;

    private sealed class TrainStepConfig : ManualConfig
    {
        public TrainStepConfig() => AddColumn(new RateColumn("tok/s", "Completion tokens trained per second", () => Groups * GroupSize * CompletionLen));
    }

    [GlobalSetup]
    public void Setup()
    {
        var (dim, hidden, layers, heads, kvHeads) = E2eSizes.All[Size];
        _policy = LlamaPolicy.Create(new LlamaConfig
        {
            VocabSize = Vocab, HiddenSize = dim, IntermediateSize = hidden, NumHiddenLayers = layers,
            NumAttentionHeads = heads, NumKeyValueHeads = kvHeads, MaxPositionEmbeddings = 256, TieWordEmbeddings = true,
        }, seed: 1);
        _optimizer = new AdamW(_policy.Parameters, 1e-3, weight_decay: 0);
        var algorithm = new AlgorithmConfig();
        _trainer = new Trainer(_policy, algorithm.CreateObjective(), _optimizer, new LRScheduler(_optimizer, new ConstantSchedule(1e-3)),
            new TrainerOptions { MicroBatchSize = MicroBatch, NormWidth = CompletionLen }, reference: null);
        _batch = AdvantageBlock.Compute(Batch(Groups, GroupSize, PromptLen, CompletionLen, Vocab), algorithm.CreateEstimator(),
            algorithm.CreateTokenCredit(), false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer.Dispose();
        _policy.Dispose();
    }

    [Benchmark(Baseline = true, Description = "score rows, no grad")]
    public float[][] Forward() => PolicyScoring.LogProbs(_policy, [.. _batch.Rows.Select(r => r.Rollout)], 1.0, MicroBatch);

    [Benchmark(Description = "train step: forward, backward, AdamW")]
    public TrainStats Step() => _trainer.Train(_batch);

    /// <summary>
    /// Random rows of the given lengths, rewards alternating 0 and 1 within each group, whose rows
    /// share their prompt as GRPO's do. ragged: prompts up to 4 tokens shorter and completions down
    /// to half as long, as stops make them. distinctPrompts: every row gets a prompt of its own
    /// (same length), so nothing can share a prompt's work.
    /// </summary>
    internal static StepBatch Batch(int groups, int groupSize, int promptLen, int completionLen, int vocab, bool ragged = false,
        bool distinctPrompts = false)
    {
        var rng = new Random(1);
        int[] Ids(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.Next(7, vocab))];
        var problem = new Problem { Id = "p", Prompt = "x", Answer = "1", Task = "arithmetic" };
        var kept = new List<DecidedGroup>();
        for (int g = 0; g < groups; g++)
        {
            var request = new GroupRequest("bench", 1, g, 0, g, problem, groupSize, "on_policy", null, (ulong)g);
            var prompt = Ids(ragged ? promptLen - rng.Next(5) : promptLen);
            var rollouts = Enumerable.Range(0, groupSize).Select(i => new Rollout
            {
                Request = request,
                SampleIndex = i,
                PolicyVersion = 0,
                PromptTokenIds = distinctPrompts ? Ids(prompt.Length) : prompt,
                CompletionTokenIds = Ids(ragged ? rng.Next((completionLen + 1) / 2, completionLen + 1) : completionLen),
                BehaviourLogProbs = new float[completionLen],
                CompletionText = "",
                FinishReason = "length",
                Reward = i % 2,
                Correct = i % 2 == 1,
            }).ToArray();
            kept.Add(new DecidedGroup(request, rollouts, [.. rollouts.Select(r => (float)r.Reward)], true, "kept"));
        }

        return new StepBatch(1, kept, [], DateTimeOffset.UtcNow);
    }
}
