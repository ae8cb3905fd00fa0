namespace Pipeline.Stages.Sft;

/// <summary>Settings of the supervised warm start (config section <c>sft</c>).</summary>
public sealed record SftOptions
{
    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 200;

    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Rows scored per forward pass; the batch's gradient is accumulated over them.</summary>
    public int MicroBatchSize { get; init; } = 16;

    public double WeightDecay { get; init; }

    /// <summary>Global gradient-norm clip; 0 turns clipping off.</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>Seeds the order examples are visited in (a fresh shuffle every pass over the data).</summary>
    public ulong Seed { get; init; } = 1;

    public void Validate()
    {
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "sft.steps must be at least 1.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "sft.batch_size must be at least 1.");
        if (MicroBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(MicroBatchSize), MicroBatchSize, "sft.micro_batch_size must be at least 1.");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "sft.weight_decay must be >= 0.");
        if (!(GradClip >= 0)) throw new ArgumentOutOfRangeException(nameof(GradClip), GradClip, "sft.grad_clip must be >= 0.");
    }
}

/// <summary>What one optimizer step did: the batch's token-mean NLL before the update, the gradient norm before clipping, the rate used.</summary>
public sealed record SftStepStats(int Step, double Loss, double GradNorm, double LearningRate, long Tokens);
