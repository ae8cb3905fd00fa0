using System.Threading.Tasks.Dataflow;

namespace Pipeline.Stages.Graph;

/// <summary>Metrics tap: one line per logged step, with the queue depths of every block at that moment.</summary>
public static class MetricsTap
{
    public static ActionBlock<StepOutcome> Create(
        IMetricsSink sink, Func<IReadOnlyDictionary<string, int>> queueDepths, BlockOptions options, IBlockProbe? probe, CancellationToken ct)
    {
        DateTimeOffset? previous = null;
        return new ActionBlock<StepOutcome>(outcome =>
        {
            probe?.Enter("metrics", outcome);
            var start = previous ?? outcome.Batch.OpenedAt;
            double seconds = Math.Max(0, (outcome.FinishedAt - start).TotalSeconds);
            previous = outcome.FinishedAt;
            sink.Write(StepMetrics.Compute(outcome, queueDepths(), seconds));
            probe?.Exit("metrics", outcome);
        }, options.ToDataflow(ct, serial: true));
    }
}
