using System.Text.Json;
using Pipeline.Cli.Configuration;
using Pipeline.Data.Problems;
using Pipeline.Data.Rollouts;
using Pipeline.Data.Tasks;
using Pipeline.Data.Verifiers;
using Pipeline.Model.Policy;
using Pipeline.Stages.Algorithms.Kl;
using Pipeline.Model.Tokenizers;
using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;
using Pipeline.Stages.Sampling;

namespace Pipeline.Cli.Training;

/// <summary>
/// A run directory opened for training: runs/&lt;name&gt;/ with config.json (resolved),
/// metrics.jsonl, rollouts/*.parquet and checkpoints/&lt;step&gt;/. Builds every part of the graph
/// from the config, and on resume restores them from the newest complete checkpoint and cuts the
/// rollout log and metrics back to it.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    private readonly IPolicyModel _policy;
    private readonly IPolicyModel? _reference;
    private readonly AdamW _optimizer;
    private readonly RolloutLogWriter _log;
    private readonly MetricsJsonlSink _metrics;

    private TrainingRun(RunConfig config, string directory, bool resume, IProgressReporter? progress)
    {
        Config = config;
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        var checkpointsDir = Path.Combine(directory, "checkpoints");
        long? resumeStep = resume ? CheckpointStore.Complete(checkpointsDir).Cast<long?>().FirstOrDefault() : null;
        if (!resume && (CheckpointStore.Complete(checkpointsDir).Count > 0 || File.Exists(Path.Combine(directory, "metrics.jsonl"))))
            throw new ConfigException($"{directory} already holds a run; pass --resume to continue it, or choose another name (name=... or --set name=...).");

        RunId = ReadOrCreateRunId(directory, resume);
        File.WriteAllText(Path.Combine(directory, "config.json"), JsonSerializer.Serialize(config, ConfigJson.Options));

        Tokenizer = CreateTokenizer(config);
        _policy = CreatePolicy(config, Tokenizer);
        var objective = config.Algorithm.CreateObjective();
        _reference = objective.NeedsReference || config.Algorithm is { KlInReward: true, KlCoef: > 0 } ? _policy.Clone() : null;
        _optimizer = new AdamW(_policy.Parameters, config.Training.Lr, weight_decay: config.Training.WeightDecay);
        var scheduler = new LRScheduler(_optimizer, Schedule(config.Training));
        var task = TaskRegistry.CreateDefault().Get(config.Task.Name);
        var pool = ProblemGenerator.Generate(task, config.Task.ToTaskOptions(config.Seed), ProblemSplit.Train, config.Task.PoolSize);
        Sampler = SamplerRegistry.Create(pool, config.Seed, config.Sampler);
        Checkpoints = new CheckpointStore(checkpointsDir, config.Training.CheckpointEvery, config.Training.KeepCheckpoints, _policy, _optimizer, scheduler, Sampler, config.Seed);

        long start = 0;
        if (resumeStep is { } step)
        {
            var counters = Checkpoints.Restore(step);
            _reference?.CopyWeightsFrom(_policy);
            start = counters.Step;
            StartCounters = counters;
            progress?.Note($"resuming from checkpoint {step} (policy version {counters.PolicyVersion}, {counters.RolloutsLogged} rollouts logged)");
        }
        else if (resume)
        {
            progress?.Note("no complete checkpoint found; starting from step 1");
        }

        StartStep = start;
        _log = RolloutLogWriter.Open(new RolloutLogOptions
        {
            Directory = Path.Combine(directory, "rollouts"),
            RollEverySteps = config.Training.RollEvery,
            DurableSteps = config.Training.DurableSteps,
        }, resumeStep);
        if (!_log.Recovery.IsClean) progress?.Note(_log.Recovery.ToString());
        _metrics = new MetricsJsonlSink(Path.Combine(directory, "metrics.jsonl"), resumeStep ?? (resume ? 0 : null), progress is null ? null : progress.Step);

        var composite = VerifierRegistry.CreateDefault().CreateComposite("reward", config.Rewards.Select(r => (r.Name, r.Weight)));
        Verifier = new InlineVerifier(composite);
        Trainer = new Trainer(_policy, objective, _optimizer, scheduler, new TrainerOptions
        {
            MicroBatchSize = config.Training.MicroBatchSize,
            PpoEpochs = config.Training.PpoEpochs,
            MiniBatches = config.Training.MiniBatches,
            GradClip = config.Training.GradClip,
            Temperature = config.Generation.Temperature,
            OffPolicy = config.Training.Mode == "async",
            TisCap = config.Training.TisCap,
            NormWidth = config.Algorithm.LossNormLength ?? config.Generation.MaxNewTokens,
            Seed = config.Seed,
        }, _reference);
    }

    public RunConfig Config { get; }

    public string Directory { get; }

    public string RunId { get; }

    public long StartStep { get; }

    public RunCounters? StartCounters { get; }

    public ITokenizer Tokenizer { get; }

    public IPromptSampler Sampler { get; }

    public IAsyncVerifier Verifier { get; }

    public Trainer Trainer { get; }

    public CheckpointStore Checkpoints { get; }

    public IPolicyModel Policy => _policy;

    public static TrainingRun Open(RunConfig config, bool resume, Action<string>? progress = null) =>
        new(config, Path.Combine(config.RunsDir, config.Name), resume, progress is null ? null : new PlainProgress(progress, config.Training.Steps));

    /// <summary>Opens the run reporting to <paramref name="progress"/>, which the caller disposes after the run.</summary>
    public static TrainingRun Open(RunConfig config, bool resume, IProgressReporter progress) =>
        new(config, Path.Combine(config.RunsDir, config.Name), resume, progress);

    public GraphParts Parts() => new()
    {
        RunId = RunId,
        Policy = _policy,
        Trainer = Trainer,
        Tokenizer = Tokenizer,
        Verifier = Verifier,
        Sampler = Sampler,
        RolloutLog = new RolloutLogSink(_log),
        Metrics = _metrics,
        Checkpoints = Checkpoints,
        StartStep = StartStep,
        StartCounters = StartCounters,
        KlReward = Config.Algorithm.KlInReward && _reference is not null
            ? new KlRewardShaper(_reference, KlEstimators.Parse(Config.Algorithm.KlEstimator), Config.Algorithm.KlCoef, Config.Generation.Temperature, Config.Training.MicroBatchSize)
            : null,
    };

    /// <summary>The character tokenizer of the built-in tasks: printable ASCII, newline, and the task's specials.</summary>
    public static CharTokenizer CreateTokenizer()
    {
        var alphabet = "\n" + new string([.. Enumerable.Range(32, 95).Select(c => (char)c)]);
        return new CharTokenizer(alphabet, byteFallback: true);
    }

    /// <summary>The checkpoint's own tokenizer when a llama starts from one that has it, else the task tokenizer.</summary>
    public static ITokenizer CreateTokenizer(RunConfig config) =>
        config.Model is { Type: "llama", Path: { } path } && File.Exists(Path.Combine(path, "tokenizer.json"))
            ? HfTokenizer.Load(Path.Combine(path, "tokenizer.json"))
            : CreateTokenizer();

    public static IPolicyModel CreatePolicy(RunConfig config, ITokenizer tokenizer) => config.Model.Type switch
    {
        "llama" when config.Model.Path is { } path => LlamaPolicy.FromCheckpoint(path).WithNativeKernels(config.Model.NativeKernels),
        "llama" => LlamaPolicy.Create(
            new LlamaConfig
            {
                VocabSize = tokenizer.VocabSize,
                HiddenSize = config.Model.Dim,
                IntermediateSize = config.Model.Hidden,
                NumHiddenLayers = config.Model.Layers,
                NumAttentionHeads = config.Model.Heads,
                NumKeyValueHeads = config.Model.KvHeads,
                RopeTheta = config.Model.RopeTheta,
                MaxPositionEmbeddings = config.Model.MaxPositions,
                TieWordEmbeddings = true,
            },
            (ulong)config.Seed,
            tokenizer).WithNativeKernels(config.Model.NativeKernels),
        "tiny" => new TinyPolicy(new TinyPolicyOptions
        {
            VocabSize = tokenizer.VocabSize,
            Dim = config.Model.Dim,
            Hidden = config.Model.Hidden,
            Seed = config.Seed,
            PadId = tokenizer.PadId ?? 0,
        }),
        "fake" => new FakePolicy(new FakePolicyOptions
        {
            VocabSize = tokenizer.VocabSize,
            MaxLength = config.Model.MaxLength,
            Latency = TimeSpan.FromMilliseconds(config.Model.LatencyMs),
            ScoreLatency = TimeSpan.FromMilliseconds(config.Model.ScoreLatencyMs),
        }),
        var other => throw new ConfigException($"model.type: '{other}' is not one of: tiny, fake, llama."),
    };

    private static ILearningRateSchedule Schedule(TrainingSection t) =>
        LearningRateSchedules.Create(t.Schedule, t.Lr, t.WarmupSteps, t.Steps, t.MinLr);

    private static string ReadOrCreateRunId(string directory, bool resume)
    {
        var path = Path.Combine(directory, "run_id");
        if (resume && File.Exists(path)) return File.ReadAllText(path).Trim();
        var id = $"{Path.GetFileName(directory)}-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
        File.WriteAllText(path, id);
        return id;
    }

    public void Dispose()
    {
        _log.Dispose();
        _metrics.Dispose();
        _optimizer.Dispose();
        _reference?.Dispose();
        _policy.Dispose();
    }
}
