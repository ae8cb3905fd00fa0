namespace Pipeline.Stages.Graph;

/// <summary>Settings of one training step (config section <c>training</c>); names follow verl where it has one.</summary>
public sealed record TrainerOptions
{
    /// <summary>Rows per forward/backward; gradients accumulate over the micro-batches of a mini-batch.</summary>
    public int MicroBatchSize { get; init; } = 8;

    /// <summary>Passes over the step's rows (verl ppo_epochs, TRL num_iterations).</summary>
    public int PpoEpochs { get; init; } = 1;

    /// <summary>Optimizer steps per epoch: the rows are split into this many mini-batches.</summary>
    public int MiniBatches { get; init; } = 1;

    /// <summary>Global gradient-norm clip; 0 turns it off.</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>Sampling temperature: trainer log-probs are taken under the same tempered distribution.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Generation runs on older weights: recompute old log-probs and correct with truncated importance ratios.</summary>
    public bool OffPolicy { get; init; }

    /// <summary>Cap of the truncated importance ratio exp(old − behaviour) (TRL/verl TIS); 0 turns the correction off.</summary>
    public double TisCap { get; init; } = 2.0;

    /// <summary>Divisor of seq-mean-token-sum-norm (Dr. GRPO): the maximum completion length.</summary>
    public double NormWidth { get; init; } = 32;

    /// <summary>Seeds the shuffle of rows between mini-batches.</summary>
    public ulong Seed { get; init; } = 1;

    public bool NeedsOldLogProbs => PpoEpochs > 1 || MiniBatches > 1 || OffPolicy;
}

/// <summary>Runs one training step on a batch whose rows carry advantages.</summary>
public interface ITrainer
{
    TrainStats Train(StepBatch batch);
}
