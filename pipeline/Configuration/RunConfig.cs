using Pipeline.Data.Tasks;
using Pipeline.Data.Verifiers;
using Pipeline.Stages.Algorithms;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Sampling;

namespace Pipeline.Cli.Configuration;

/// <summary>
/// A complete run config: where the run lives, the model, the task, sampling, the algorithm and
/// rewards (the same two sections a preset in configs/ holds), the training step and the graph's
/// bounds. Every field has a default; <see cref="Validate"/> names the field of every problem.
/// </summary>
public sealed record RunConfig
{
    /// <summary>The run directory is <c>{runs_dir}/{name}</c>.</summary>
    public string Name { get; init; } = "run";

    public string RunsDir { get; init; } = "runs";

    /// <summary>Seeds weights, prompt order and generation.</summary>
    public ulong Seed { get; init; } = 1;

    public ModelSection Model { get; init; } = new();

    public TaskSection Task { get; init; } = new();

    public GenerationSection Generation { get; init; } = new();

    /// <summary>Which prompts each step trains on, and how many completions each gets.</summary>
    public SamplerOptions Sampler { get; init; } = new();

    public AlgorithmConfig Algorithm { get; init; } = new();

    /// <summary>What groups with no success are retried with, and how hinted rollouts are trained.</summary>
    public Pipeline.Stages.Guidance.GuidanceOptions Guidance { get; init; } = new();

    /// <summary>Logged successes of still-hard prompts mixed into each step.</summary>
    public Pipeline.Stages.Guidance.ReplayOptions Replay { get; init; } = new();

    public IReadOnlyList<RewardWeight> Rewards { get; init; } = [new RewardWeight("answer", 1.0)];

    public TrainingSection Training { get; init; } = new();

    public PipelineSection Pipeline { get; init; } = new();

    /// <summary>The supervised warm start (pipeline sft, pipeline demo).</summary>
    public SftSection Sft { get; init; } = new();

    /// <summary>Versions generation may lag the trainer: 0 in sync mode.</summary>
    public int EffectiveMaxStaleness => Training.Mode == "async" ? Training.MaxStaleness : 0;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok) errors.Add(message);
        }

        Check(!string.IsNullOrWhiteSpace(Name) && Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && Name is not ("." or ".."), $"name: '{Name}' must be a plain directory name.");
        Check(!string.IsNullOrWhiteSpace(RunsDir), "runs_dir: must be set.");
        Check(Model.Type is "tiny" or "fake" or "llama", $"model.type: '{Model.Type}' is not one of: tiny, fake, llama.");
        Check(Model.Type != "llama" || Model.Path is not null || (Model.Layers >= 1 && Model.Heads >= 1 && Model.KvHeads >= 1 && Model.Heads % Model.KvHeads == 0 && Model.Dim % Model.Heads == 0),
            $"model: a llama built from scratch needs layers >= 1 and heads dividing dim with kv_heads dividing heads (layers {Model.Layers}, dim {Model.Dim}, heads {Model.Heads}, kv_heads {Model.KvHeads}).");
        Check(Model.Path is null || Directory.Exists(Model.Path), $"model.path: '{Model.Path}' is not a folder (a Hugging Face checkpoint with config.json and safetensors).");
        Check(Model.Dim >= 1 && Model.Hidden >= 1, $"model.dim ({Model.Dim}) and model.hidden ({Model.Hidden}) must be positive.");
        Check(Model.MaxLength >= 1, $"model.max_length: {Model.MaxLength} must be positive.");
        Check(Model.LatencyMs >= 0 && Model.ScoreLatencyMs >= 0, "model.latency_ms and model.score_latency_ms must be >= 0.");

        var tasks = TaskRegistry.CreateDefault();
        if (!tasks.Names.Contains(Task.Name))
        {
            errors.Add($"task.name: unknown task '{Task.Name}'; valid names: {string.Join(", ", tasks.Names)}.");
        }
        else
        {
            var max = tasks.Get(Task.Name).MaxDifficulty;
            Check(Task.Difficulty >= 1 && Task.Difficulty <= max, $"task.difficulty: {Task.Difficulty} must lie in 1..{max} for '{Task.Name}'.");
        }

        Check(Task.GroupSize >= 1, $"task.group_size: {Task.GroupSize} must be at least 1.");
        Check(!Algorithm.NeedsGroups || Task.GroupSize >= 2, $"task.group_size: {Task.GroupSize} is too small; algorithm.advantage '{Algorithm.Advantage}' compares completions of one prompt and needs at least 2.");
        Check(Task.PromptsPerStep >= 1, $"task.prompts_per_step: {Task.PromptsPerStep} must be at least 1.");
        Check(Task.HeldOutFraction is >= 0 and < 1, $"task.held_out_fraction: {Task.HeldOutFraction} must lie in [0, 1).");
        Check(Task.PromptStyle is "full" or "terse", $"task.prompt_style: '{Task.PromptStyle}' is not one of: full, terse.");
        Check(Task.PoolSize >= Task.PromptsPerStep, $"task.pool_size: {Task.PoolSize} must be at least task.prompts_per_step ({Task.PromptsPerStep}).");

        Check(Generation.Temperature > 0, $"generation.temperature: {Generation.Temperature} must be positive.");
        Check(Generation.TopK >= 0, $"generation.top_k: {Generation.TopK} must be >= 0 (0 = off).");
        Check(Generation.TopP is > 0 and <= 1, $"generation.top_p: {Generation.TopP} must lie in (0, 1].");
        Check(Generation.MaxNewTokens >= 1, $"generation.max_new_tokens: {Generation.MaxNewTokens} must be positive.");

        errors.AddRange(Algorithm.Validate());
        errors.AddRange(Guidance.Validate());
        errors.AddRange(Replay.Validate());
        Check(Guidance.Treatment != "sft" || !Algorithm.GuideUnsolved || Algorithm.SftCoef > 0, "guidance.treatment: sft trains hinted successes only through the SFT term; set algorithm.sft_coef > 0.");
        errors.AddRange(Sampler.Validate(Algorithm.NeedsGroups, Task.PromptsPerStep));
        Check(Algorithm.MaxExtraRounds is >= 0 and < SlotPlan.Stride / 2, $"algorithm.max_extra_rounds: {Algorithm.MaxExtraRounds} must lie in 0..{(SlotPlan.Stride / 2) - 1}.");
        Check(Rewards.Count > 0, "rewards: at least one reward component is needed.");
        var verifiers = VerifierRegistry.CreateDefault().Names;
        foreach (var (reward, i) in Rewards.Select((r, i) => (r, i)))
        {
            Check(verifiers.Contains(reward.Name), $"rewards[{i}].name: unknown reward component '{reward.Name}'; valid names: {string.Join(", ", verifiers)}.");
            Check(double.IsFinite(reward.Weight), $"rewards[{i}].weight: {reward.Weight} must be finite.");
        }

        Check(Rewards.Select(r => r.Name).Distinct().Count() == Rewards.Count, "rewards: a component is listed twice.");

        var t = Training;
        Check(t.Steps >= 1, $"training.steps: {t.Steps} must be at least 1.");
        Check(t.Lr > 0 && double.IsFinite(t.Lr), $"training.lr: {t.Lr} must be positive.");
        Check(t.WarmupSteps >= 0, $"training.warmup_steps: {t.WarmupSteps} must be >= 0.");
        Check(t.Schedule is "constant" or "linear_warmup" or "cosine", $"training.schedule: '{t.Schedule}' is not one of: constant, linear_warmup, cosine.");
        Check(t.MinLr >= 0 && t.MinLr <= t.Lr, $"training.min_lr: {t.MinLr} must lie in [0, lr].");
        Check(t.WeightDecay >= 0, $"training.weight_decay: {t.WeightDecay} must be >= 0.");
        Check(t.GradClip >= 0, $"training.grad_clip: {t.GradClip} must be >= 0 (0 = off).");
        Check(t.MicroBatchSize >= 1, $"training.micro_batch_size: {t.MicroBatchSize} must be at least 1.");
        Check(t.PpoEpochs >= 1, $"training.ppo_epochs: {t.PpoEpochs} must be at least 1.");
        int fewestRows = Sampler.StepRollouts > 0 ? Sampler.StepRollouts : Task.PromptsPerStep * (Sampler.HasBudgets ? Math.Max(1, Sampler.MinGroupSize) : Task.GroupSize);
        Check(t.MiniBatches >= 1 && t.MiniBatches <= fewestRows, $"training.mini_batches: {t.MiniBatches} must lie in 1..{fewestRows} (the fewest rows a step can have).");
        Check(t.Mode is "sync" or "async", $"training.mode: '{t.Mode}' is not one of: sync, async.");
        Check(t.Mode != "async" || t.MaxStaleness >= 1, $"training.max_staleness: {t.MaxStaleness} must be at least 1 in async mode (0 is sync mode).");
        Check(t.TisCap >= 0, $"training.tis_cap: {t.TisCap} must be >= 0 (0 = no importance correction).");
        Check(t.CheckpointEvery >= 0, $"training.checkpoint_every: {t.CheckpointEvery} must be >= 0 (0 = only on stop).");
        Check(t.KeepCheckpoints >= 1, $"training.keep_checkpoints: {t.KeepCheckpoints} must be at least 1.");
        Check(t.RollEvery >= 1, $"training.roll_every: {t.RollEvery} must be at least 1.");

        errors.AddRange(Sft.Validate());

        try
        {
            Pipeline.ToGraphOptions().Validate();
        }
        catch (ArgumentException e)
        {
            errors.Add(e.Message.Split(" (Parameter", 2)[0]);
        }

        return errors;
    }
}

public sealed record ModelSection
{
    /// <summary>tiny: a small real Torch model; fake: deterministic, no model (graph tests, benchmarks); llama: the Llama-family decoder.</summary>
    public string Type { get; init; } = "tiny";

    /// <summary>tiny: embedding width; llama: hidden size (the residual stream width).</summary>
    public int Dim { get; init; } = 32;

    /// <summary>tiny: MLP width; llama: SwiGLU intermediate size.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>llama: a Hugging Face checkpoint folder to start from (its tokenizer.json too); null builds a fresh model.</summary>
    public string? Path { get; init; }

    /// <summary>llama from scratch: decoder layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>llama from scratch: query heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>llama from scratch: key/value heads (grouped-query attention when fewer than heads).</summary>
    public int KvHeads { get; init; } = 2;

    /// <summary>llama from scratch: rotary base.</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>llama from scratch: longest prompt + completion.</summary>
    public int MaxPositions { get; init; } = 512;

    /// <summary>fp32 on CPU: whole-model native kernels for generation and scoring (its backward included) instead of op-by-op ATen (false: the ATen path, their reference).</summary>
    public bool NativeKernels { get; init; } = true;

    /// <summary>fake: longest completion.</summary>
    public int MaxLength { get; init; } = 8;

    /// <summary>fake: simulated generation time per call.</summary>
    public double LatencyMs { get; init; }

    /// <summary>fake: simulated scoring time per call.</summary>
    public double ScoreLatencyMs { get; init; }
}

public sealed record TaskSection
{
    public string Name { get; init; } = "arithmetic";

    public int Difficulty { get; init; } = 1;

    /// <summary>Completions per prompt (TRL num_generations, verl rollout.n).</summary>
    public int GroupSize { get; init; } = 4;

    public int PromptsPerStep { get; init; } = 4;

    public double HeldOutFraction { get; init; } = 0.1;

    /// <summary>Training problems generated up front; the sampler walks them.</summary>
    public int PoolSize { get; init; } = 512;

    /// <summary>The reward component whose value decides correctness (pass rate, filters).</summary>
    public string CorrectnessComponent { get; init; } = "answer";

    /// <summary>full (question, definitions, format instruction) or terse (the question alone, for models trained from scratch).</summary>
    public string PromptStyle { get; init; } = "full";

    /// <summary>The generator options every stage draws this task's problems with (pool, warm start, evaluation).</summary>
    public TaskOptions ToTaskOptions(ulong seed) => new()
    {
        Difficulty = Difficulty,
        Seed = seed,
        HeldOutFraction = HeldOutFraction,
        PromptStyle = PromptStyle == "terse" ? Pipeline.Data.Tasks.PromptStyle.Terse : Pipeline.Data.Tasks.PromptStyle.Full,
    };
}

public sealed record GenerationSection
{
    public double Temperature { get; init; } = 1.0;

    public int TopK { get; init; }

    public double TopP { get; init; } = 1.0;

    public int MaxNewTokens { get; init; } = 24;
}

public sealed record TrainingSection
{
    public int Steps { get; init; } = 10;

    public double Lr { get; init; } = 1e-3;

    public int WarmupSteps { get; init; }

    /// <summary>constant, linear_warmup, cosine.</summary>
    public string Schedule { get; init; } = "constant";

    public double MinLr { get; init; }

    public double WeightDecay { get; init; }

    public double GradClip { get; init; } = 1.0;

    public int MicroBatchSize { get; init; } = 8;

    public int PpoEpochs { get; init; } = 1;

    /// <summary>Optimizer steps per epoch (verl's ppo_mini_batch_size expressed as a count).</summary>
    public int MiniBatches { get; init; } = 1;

    /// <summary>sync (on-policy) or async (generation runs ahead by up to max_staleness versions).</summary>
    public string Mode { get; init; } = "sync";

    public int MaxStaleness { get; init; } = 1;

    /// <summary>Cap of the truncated importance ratio in async mode; 0 turns the correction off.</summary>
    public double TisCap { get; init; } = 2.0;

    /// <summary>Checkpoint every N steps; 0 = only on a stop signal and at the end.</summary>
    public int CheckpointEvery { get; init; } = 10;

    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Rollout log files roll after this many steps.</summary>
    public int RollEvery { get; init; } = 50;

    /// <summary>fsync every logged step (a crash then loses at most the step being written).</summary>
    public bool DurableSteps { get; init; } = true;
}

/// <summary>Bounds of the graph's blocks; defaults suit a CPU run.</summary>
public sealed record PipelineSection
{
    public int SampleCapacity { get; init; } = 4;
    public int GenerateCapacity { get; init; } = 16;
    public int GenerateParallelism { get; init; } = 1;
    public int VerifyCapacity { get; init; } = 64;
    public int VerifyParallelism { get; init; } = 4;
    public int GroupFilterCapacity { get; init; } = 64;
    public int BatchCapacity { get; init; } = 16;
    public int AdvantageCapacity { get; init; } = 1;
    public int TrainCapacity { get; init; } = 1;
    public int LogCapacity { get; init; } = 2;
    public int MetricsCapacity { get; init; } = 4;
    public double VerifyTimeoutMs { get; init; } = 10_000;
    public int GenerateBatchRows { get; init; } = 64;
    public double GenerateBatchWaitMs { get; init; } = 2;

    public GraphOptions ToGraphOptions() => new()
    {
        Sample = new BlockOptions(SampleCapacity),
        Generate = new BlockOptions(GenerateCapacity, GenerateParallelism),
        Verify = new BlockOptions(VerifyCapacity, VerifyParallelism),
        GroupFilter = new BlockOptions(GroupFilterCapacity),
        Batch = new BlockOptions(BatchCapacity),
        Advantage = new BlockOptions(AdvantageCapacity),
        Train = new BlockOptions(TrainCapacity),
        Log = new BlockOptions(LogCapacity),
        Metrics = new BlockOptions(MetricsCapacity),
        VerifyTimeout = TimeSpan.FromMilliseconds(VerifyTimeoutMs),
        GenerateBatching = new GenerateBatching(GenerateBatchRows, TimeSpan.FromMilliseconds(GenerateBatchWaitMs)),
    };
}
