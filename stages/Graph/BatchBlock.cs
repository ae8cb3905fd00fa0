using System.Threading.Tasks.Dataflow;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Batch: fills step after step with prompts_per_step kept groups in arrival order, and attaches
/// every group decided since the previous step (filtered, failed) so the log sees each rollout once.
/// A kept group older than max_staleness versions at the step that would train it is dropped as
/// "stale" and its slot re-drawn, which makes the staleness bound hard.
/// </summary>
public static class BatchBlock
{
    public static TransformManyBlock<DecidedGroup, StepBatch> Create(
        SampleSettings settings, int promptsPerStep, SampleBlock sample, BlockOptions options, IBlockProbe? probe, CancellationToken ct)
    {
        long step = settings.FirstStep;
        var kept = new List<DecidedGroup>(promptsPerStep);
        var filtered = new List<DecidedGroup>();
        var opened = DateTimeOffset.UtcNow;
        return new TransformManyBlock<DecidedGroup, StepBatch>(group =>
        {
            probe?.Enter("batch", group);
            if (step > settings.LastStep)
                throw new InvalidOperationException($"group {group.GroupId} arrived after the last step {settings.LastStep} was filled; every slot should end with exactly one kept group.");
            IEnumerable<StepBatch> output = [];
            if (!group.Kept)
            {
                filtered.Add(group);
            }
            else if ((step - 1) - group.Rollouts[0].PolicyVersion > settings.MaxStaleness)
            {
                sample.RequestReplacement(group.Request);
                filtered.Add(group with { Kept = false, Reason = "stale" });
            }
            else
            {
                kept.Add(group);
                if (kept.Count == promptsPerStep)
                {
                    // Arrival order depends on timing; ordering by group id makes a sync-mode step, its
                    // micro-batches and so its float sums reproducible.
                    output = [new StepBatch(step, [.. kept.OrderBy(g => g.GroupId)], [.. filtered.OrderBy(g => g.GroupId)], opened)];
                    kept.Clear();
                    filtered.Clear();
                    step++;
                    opened = DateTimeOffset.UtcNow;
                }
            }
            probe?.Exit("batch", group);
            return output;
        }, options.ToDataflow(ct, serial: true));
    }
}
