namespace Pipeline.Bench.E2e;

/// <summary>One training step as a side measured it; Other is step − generate − train (scoring, advantages, hand-offs).</summary>
public sealed record StepSample(long Step, double Generate, double Train, double Total, int Rollouts, long CompletionTokens, double GenerationFlops, double TrainingFlops)
{
    public double Other => Math.Max(0, Total - Generate - Train);
}

/// <summary>One run of one side: its steps after the warm-up, its peak resident memory and its wall time from launch to exit.</summary>
public sealed record SideRun(IReadOnlyList<StepSample> Steps, long PeakRssBytes, double WallSeconds);

/// <summary>A side's runs pooled: rates are totals over totals, so long steps weigh what they cost.</summary>
public sealed record SideSummary(string Name, IReadOnlyList<SideRun> Runs)
{
    private IEnumerable<StepSample> All => Runs.SelectMany(r => r.Steps);

    private double Seconds => All.Sum(s => s.Total);

    public int StepCount => All.Count();

    public double RolloutsPerSecond => All.Sum(s => s.Rollouts) / Seconds;

    public double TokensPerSecond => All.Sum(s => s.CompletionTokens) / Seconds;

    public double MeanStep => Seconds / StepCount;

    public double MeanGenerate => All.Average(s => s.Generate);

    public double MeanTrain => All.Average(s => s.Train);

    public double MeanOther => All.Average(s => s.Other);

    public double MeanCompletionLength => All.Sum(s => s.CompletionTokens) / (double)All.Sum(s => s.Rollouts);

    public long PeakRssBytes => Runs.Max(r => r.PeakRssBytes);

    /// <summary>Launch to exit minus the timed steps: start-up, model build, the warm-up steps, the final checkpoint.</summary>
    public double MeanOverhead => Runs.Average(r => r.WallSeconds - r.Steps.Sum(s => s.Total));

    public double GenerationFlopsPerSecond => All.Sum(s => s.GenerationFlops) / All.Sum(s => s.Generate);

    public double TrainingFlopsPerSecond => All.Sum(s => s.TrainingFlops) / All.Sum(s => s.Train);
}
