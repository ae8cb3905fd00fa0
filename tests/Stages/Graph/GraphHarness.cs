using System.Collections.Concurrent;
using Pipeline.Cli.Configuration;
using Pipeline.Cli.Training;
using Pipeline.Data.Problems;
using Pipeline.Data.Rollouts;
using Pipeline.Data.Tasks;
using Pipeline.Data.Verifiers;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;
using Pipeline.Stages.Sampling;

namespace Pipeline.Tests.Stages.Graph;

/// <summary>A graph on the fake policy with in-memory sinks, for mechanics tests.</summary>
public sealed class GraphHarness : IDisposable
{
    public GraphHarness(RunConfig config, IAsyncVerifier? verifier = null, IBlockProbe? probe = null, ICheckpointSink? checkpoints = null)
    {
        Config = config;
        Assert.Empty(config.Validate());
        Tokenizer = TrainingRun.CreateTokenizer();
        Policy = TrainingRun.CreatePolicy(config, Tokenizer);
        Optimizer = new AdamW(Policy.Parameters, config.Training.Lr);
        var scheduler = new LRScheduler(Optimizer, new ConstantSchedule(config.Training.Lr));
        var pool = ProblemGenerator.Generate(TaskRegistry.CreateDefault().Get("arithmetic"), new TaskOptions { Difficulty = 1, Seed = 3 }, ProblemSplit.Train, config.Task.PoolSize);
        Sampler = SamplerRegistry.Create(pool, config.Seed, config.Sampler);
        var objective = config.Algorithm.CreateObjective();
        Reference = objective.NeedsReference ? Policy.Clone() : null;
        Parts = new GraphParts
        {
            RunId = "test",
            Policy = Policy,
            Trainer = new Trainer(Policy, objective, Optimizer, scheduler, new TrainerOptions
            {
                MicroBatchSize = config.Training.MicroBatchSize,
                PpoEpochs = config.Training.PpoEpochs,
                MiniBatches = config.Training.MiniBatches,
                OffPolicy = config.Training.Mode == "async",
                TisCap = config.Training.TisCap,
            }, Reference),
            Tokenizer = Tokenizer,
            Verifier = verifier ?? new HashVerifier(0.5),
            Sampler = Sampler,
            RolloutLog = Log,
            Metrics = Metrics,
            Checkpoints = checkpoints ?? new NoCheckpoints(),
            Probe = probe,
        };
    }

    public RunConfig Config { get; }
    public Pipeline.Model.Tokenizers.CharTokenizer Tokenizer { get; }
    public IPolicyModel Policy { get; }
    public IPolicyModel? Reference { get; }
    public AdamW Optimizer { get; }
    public IPromptSampler Sampler { get; }
    public MemoryRolloutSink Log { get; } = new();
    public MemoryMetricsSink Metrics { get; } = new();
    public GraphParts Parts { get; }

    public static RunConfig FakeConfig(int steps = 6, string mode = "sync", int maxStaleness = 1, string filter = "none", int groupSize = 4, int prompts = 4) => new()
    {
        Name = "test",
        Model = new ModelSection { Type = "fake", MaxLength = 6 },
        Task = new TaskSection { GroupSize = groupSize, PromptsPerStep = prompts, PoolSize = 200 },
        Generation = new GenerationSection { MaxNewTokens = 6 },
        Algorithm = new Pipeline.Stages.Algorithms.AlgorithmConfig { GroupFilter = filter, MaxExtraRounds = 8 },
        Training = new TrainingSection { Steps = steps, Mode = mode, MaxStaleness = maxStaleness, MicroBatchSize = 8, CheckpointEvery = 0 },
        Pipeline = new PipelineSection { VerifyParallelism = 4, VerifyCapacity = 16, GroupFilterCapacity = 16 },
    };

    public Task<GraphResult> RunAsync(CancellationToken stop = default) => TrainingGraph.RunAsync(Config, Parts, stop);

    public void Dispose()
    {
        Optimizer.Dispose();
        Reference?.Dispose();
        Policy.Dispose();
    }
}

/// <summary>Records every logged step; fails like the real writer when steps do not increase.</summary>
public sealed class MemoryRolloutSink : IRolloutSink
{
    private readonly List<(long Step, IReadOnlyList<RolloutRecord> Rows)> _steps = [];

    public Action<long>? OnWrite { get; set; }

    public IReadOnlyList<(long Step, IReadOnlyList<RolloutRecord> Rows)> Steps
    {
        get
        {
            lock (_steps) return [.. _steps];
        }
    }

    public IEnumerable<RolloutRecord> All => Steps.SelectMany(s => s.Rows);

    public void WriteStep(long step, IReadOnlyList<RolloutRecord> rollouts)
    {
        OnWrite?.Invoke(step);
        lock (_steps)
        {
            if (_steps.Count > 0 && step <= _steps[^1].Step) throw new ArgumentException($"step {step} after {_steps[^1].Step}");
            _steps.Add((step, rollouts));
        }
    }
}

public sealed class MemoryMetricsSink : IMetricsSink
{
    public ConcurrentQueue<IReadOnlyDictionary<string, double>> Lines { get; } = new();

    public void Write(IReadOnlyDictionary<string, double> metrics) => Lines.Enqueue(metrics);
}

/// <summary>Never due; the final checkpoint a completed run writes is counted and dropped.</summary>
public sealed class NoCheckpoints : ICheckpointSink
{
    public int Saves { get; private set; }

    public bool IsDue(long step) => false;

    public void Save(long step, RunCounters counters) => Saves++;
}

/// <summary>Records saves; due every <c>every</c> steps.</summary>
public sealed class RecordingCheckpoints(int every) : ICheckpointSink
{
    public ConcurrentQueue<(long Step, RunCounters Counters)> Saved { get; } = new();

    public bool IsDue(long step) => every > 0 && step % every == 0;

    public void Save(long step, RunCounters counters) => Saved.Enqueue((step, counters));
}

/// <summary>Correct with probability p, decided by a hash of the completion; optional random latency.</summary>
public sealed class HashVerifier(double p, int maxDelayMs = 0, int seed = 0) : IAsyncVerifier
{
    public string Name => "answer";

    public async ValueTask<VerifierResult> VerifyAsync(VerifyInput input, CancellationToken cancellationToken)
    {
        if (maxDelayMs > 0) await Task.Delay(Random.Shared.Next(maxDelayMs + 1), cancellationToken);
        ulong h = 1469598103934665603UL ^ (ulong)seed;
        foreach (var c in input.Problem.Id + input.Completion) h = (h ^ c) * 1099511628211UL;
        double score = (h % 1000) / 1000.0 < p ? 1 : 0;
        return VerifierResult.Of(Name, score, score > 0 ? "correct" : "wrong");
    }
}

/// <summary>Counts concurrent work per block and the groups in flight (sampled, not yet complete); can delay or throw at a block.</summary>
public sealed class CountingProbe : IBlockProbe
{
    private readonly ConcurrentDictionary<string, int> _active = new();
    private readonly ConcurrentDictionary<string, int> _max = new();
    private readonly ConcurrentDictionary<string, int> _entered = new();
    private int _groupsInFlight;
    private int _maxGroupsInFlight;

    public int MaxDelayMs { get; init; }
    public string? FaultAt { get; init; }
    public int FaultAfter { get; init; } = 3;

    public int Max(string block) => _max.GetValueOrDefault(block);
    public int Entered(string block) => _entered.GetValueOrDefault(block);
    public int MaxGroupsInFlight => Volatile.Read(ref _maxGroupsInFlight);

    public void Enter(string block, object message)
    {
        int entered = _entered.AddOrUpdate(block, 1, (_, n) => n + 1);
        int now = _active.AddOrUpdate(block, 1, (_, n) => n + 1);
        _max.AddOrUpdate(block, now, (_, m) => Math.Max(m, now));
        if (block == "decide") Interlocked.Decrement(ref _groupsInFlight);
        if (block == "sample")
        {
            int g = Interlocked.Increment(ref _groupsInFlight);
            int seen;
            while (g > (seen = Volatile.Read(ref _maxGroupsInFlight)) && Interlocked.CompareExchange(ref _maxGroupsInFlight, g, seen) != seen)
            {
            }
        }
        if (MaxDelayMs > 0) Thread.Sleep(Random.Shared.Next(MaxDelayMs + 1));
        if (block == FaultAt && entered >= FaultAfter) throw new InjectedFault(block);
    }

    public void Exit(string block, object message)
    {
        _active.AddOrUpdate(block, 0, (_, n) => n - 1);
    }
}

public sealed class InjectedFault(string block) : Exception($"injected fault in {block}")
{
    public string Block { get; } = block;
}
