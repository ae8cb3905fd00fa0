using System.Threading.Tasks.Dataflow;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Metrics tap: one line per trained step, with the queue depths of every block at that moment,
/// written before the step reaches the rollout log, so a checkpoint (taken after the log) never
/// covers a step whose metrics line is missing.
/// </summary>
public static class MetricsTap
{
    public static TransformBlock<StepOutcome, StepOutcome> Create(
        IMetricsSink sink, Func<IReadOnlyDictionary<string, int>> queueDepths, BlockOptions options, IBlockProbe? probe, CancellationToken ct)
    {
        DateTimeOffset? previous = null;
        return new TransformBlock<StepOutcome, StepOutcome>(outcome =>
        {
            probe?.Enter("metrics", outcome);
            var start = previous ?? outcome.Batch.OpenedAt;
            double seconds = Math.Max(0, (outcome.FinishedAt - start).TotalSeconds);
            previous = outcome.FinishedAt;
            sink.Write(StepMetrics.Compute(outcome, queueDepths(), seconds));
            probe?.Exit("metrics", outcome);
            return outcome;
        }, options.ToDataflow(ct, serial: true));
    }
}
