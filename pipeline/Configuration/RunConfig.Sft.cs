using Pipeline.Model.Torch.Optim;
using Pipeline.Stages.Sft;

namespace Pipeline.Cli.Configuration;

/// <summary>The supervised warm start (<c>pipeline sft</c>, the demo's first stage).</summary>
public sealed record SftSection
{
    public int Steps { get; init; } = 200;

    public double Lr { get; init; } = 3e-3;

    public int BatchSize { get; init; } = 16;

    public int MicroBatchSize { get; init; } = 16;

    public int WarmupSteps { get; init; } = 10;

    /// <summary>constant, linear_warmup, cosine.</summary>
    public string Schedule { get; init; } = "cosine";

    public double MinLr { get; init; }

    public double WeightDecay { get; init; }

    public double GradClip { get; init; } = 1.0;

    /// <summary>Training-split problems of the task whose reference solutions are the examples (without --dataset).</summary>
    public int Examples { get; init; } = 512;

    /// <summary>
    /// Fraction of the demonstrations in which one digit or letter of the final answer is changed (the
    /// working before it kept): a teacher with unreliable answers, for showing what a verifier adds.
    /// </summary>
    public double AnswerNoise { get; init; }

    /// <summary>Where the checkpoint goes; null: {runs_dir}/{name}/sft.</summary>
    public string? Out { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Steps < 1) yield return $"sft.steps: {Steps} must be at least 1.";
        if (!(Lr > 0 && double.IsFinite(Lr))) yield return $"sft.lr: {Lr} must be positive.";
        if (BatchSize < 1) yield return $"sft.batch_size: {BatchSize} must be at least 1.";
        if (MicroBatchSize < 1) yield return $"sft.micro_batch_size: {MicroBatchSize} must be at least 1.";
        if (WarmupSteps < 0) yield return $"sft.warmup_steps: {WarmupSteps} must be >= 0.";
        if (Schedule is not ("constant" or "linear_warmup" or "cosine")) yield return $"sft.schedule: '{Schedule}' is not one of: constant, linear_warmup, cosine.";
        if (!(MinLr >= 0 && MinLr <= Lr)) yield return $"sft.min_lr: {MinLr} must lie in [0, lr].";
        if (!(WeightDecay >= 0)) yield return $"sft.weight_decay: {WeightDecay} must be >= 0.";
        if (!(GradClip >= 0)) yield return $"sft.grad_clip: {GradClip} must be >= 0 (0 = off).";
        if (Examples < 1) yield return $"sft.examples: {Examples} must be at least 1.";
        if (!(AnswerNoise >= 0 && AnswerNoise < 1)) yield return $"sft.answer_noise: {AnswerNoise} must lie in [0, 1).";
    }

    public SftOptions ToOptions(ulong seed) => new()
    {
        Steps = Steps,
        BatchSize = BatchSize,
        MicroBatchSize = MicroBatchSize,
        WeightDecay = WeightDecay,
        GradClip = GradClip,
        Seed = seed,
    };

    public ILearningRateSchedule ToSchedule() => LearningRateSchedules.Create(Schedule, Lr, WarmupSteps, Steps, MinLr);
}
