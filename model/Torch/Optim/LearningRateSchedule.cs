namespace Pipeline.Model.Torch.Optim;

/// <summary>The learning rate for a 0-based optimizer step.</summary>
public interface ILearningRateSchedule
{
    double LearningRate(long step);
}

/// <summary>The same rate at every step.</summary>
public sealed record ConstantSchedule(double PeakLr) : ILearningRateSchedule
{
    public double LearningRate(long step) => PeakLr;
}

/// <summary>
/// Ramps linearly to the peak over the first warmup steps (step s gets peak·(s+1)/warmup, so
/// the first step is not wasted at zero), then holds it.
/// </summary>
public sealed record LinearWarmupSchedule(double PeakLr, long WarmupSteps) : ILearningRateSchedule
{
    public double LearningRate(long step) => Warmup.Factor(step, WarmupSteps) * PeakLr;
}

/// <summary>
/// Linear warmup as <see cref="LinearWarmupSchedule"/>, then a half cosine from the peak down to
/// MinLr at TotalSteps, and MinLr after that.
/// </summary>
public sealed record CosineSchedule(double PeakLr, long WarmupSteps, long TotalSteps, double MinLr = 0) : ILearningRateSchedule
{
    public double LearningRate(long step)
    {
        if (step < WarmupSteps)
        {
            return Warmup.Factor(step, WarmupSteps) * PeakLr;
        }

        var span = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / span);
        return MinLr + (PeakLr - MinLr) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}

/// <summary>Schedules by config name, so every training loop reads "schedule" the same way.</summary>
public static class LearningRateSchedules
{
    public static readonly IReadOnlyList<string> Names = ["constant", "linear_warmup", "cosine"];

    /// <summary>"constant" still warms up when warmup steps are given, as the config docs say.</summary>
    public static ILearningRateSchedule Create(string name, double peakLr, long warmupSteps, long totalSteps, double minLr) => name switch
    {
        "cosine" => new CosineSchedule(peakLr, warmupSteps, totalSteps, minLr),
        "linear_warmup" => new LinearWarmupSchedule(peakLr, warmupSteps),
        _ => warmupSteps > 0 ? new LinearWarmupSchedule(peakLr, warmupSteps) : new ConstantSchedule(peakLr),
    };
}

internal static class Warmup
{
    internal static double Factor(long step, long warmup)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return warmup <= 0 ? 1.0 : Math.Min(1.0, (step + 1.0) / warmup);
    }
}

/// <summary>Sets an optimizer's rate from a schedule before each step, as torch's LR schedulers do.</summary>
public sealed class LRScheduler(AdamW optimizer, ILearningRateSchedule schedule)
{
    /// <summary>The 0-based index of the next optimizer step.</summary>
    public long Step { get; private set; }

    /// <summary>Applies the rate of the current step; call before optimizer.step().</summary>
    public double Apply() => optimizer.LearningRate = schedule.LearningRate(Step);

    /// <summary>Advances to the next step and applies its rate.</summary>
    public double step()
    {
        Step++;
        return Apply();
    }

    /// <summary>Jumps to a step (resume).</summary>
    public double Seek(long stepIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        Step = stepIndex;
        return Apply();
    }
}
