using System.Diagnostics;
using System.Threading.Tasks.Dataflow;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Train: one step per batch, then the new weights go to generation (version = step) and the
/// sampler is woken to admit the next slots. Before a step it waits until the previous step's
/// checkpoint, if one was due, is on disk, so a checkpoint always holds the weights of its step.
/// After a stop request no further step starts.
/// </summary>
public static class TrainBlock
{
    public static TransformManyBlock<StepBatch, StepOutcome> Create(
        ITrainer trainer, Policy.IPolicyModel trainedModel, PolicyWeights weights, SampleBlock sample, RunLedger ledger, ICheckpointSink checkpoints,
        BlockOptions options, IBlockProbe? probe, CancellationToken ct)
    {
        return new TransformManyBlock<StepBatch, StepOutcome>(async batch =>
        {
            if (checkpoints.IsDue(batch.Step - 1) && batch.Step - 1 > 0)
                await ledger.WaitCheckpointedAsync(batch.Step - 1, ct).ConfigureAwait(false);
            await ledger.TrainLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (ledger.StopRequested) return [];
                probe?.Enter("train", batch);
                var clock = Stopwatch.StartNew();
                var stats = trainer.Train(batch);
                await weights.PublishAsync(trainedModel, batch.Step, ct).ConfigureAwait(false);
                ledger.Trained(batch.Step);
                sample.Wakeup();
                probe?.Exit("train", batch);
                return [new StepOutcome(batch, stats, batch.Step, clock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow)];
            }
            finally
            {
                ledger.TrainLock.Release();
            }
        }, options.ToDataflow(ct, serial: true));
    }
}
