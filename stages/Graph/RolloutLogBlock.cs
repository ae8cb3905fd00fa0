using System.Threading.Tasks.Dataflow;
using Pipeline.Data.Rollouts;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Rollout log: writes every rollout decided in a step (trained, filtered with its reason, failed
/// with its reason) as that step's row group, marks the step logged, and saves a checkpoint when one
/// is due: after the log, so a checkpoint never claims a step the log lacks.
/// </summary>
public sealed class RolloutLogBlock
{
    private readonly Lock _checkpointLock = new();
    private readonly ICheckpointSink _checkpoints;
    private readonly RunLedger _ledger;
    private RunCounters _counters;

    public RolloutLogBlock(IRolloutSink sink, ICheckpointSink checkpoints, RunLedger ledger, BlockOptions options, IBlockProbe? probe, CancellationToken ct)
    {
        _checkpoints = checkpoints;
        _ledger = ledger;
        _counters = ledger.Counters;
        Block = new ActionBlock<StepOutcome>(outcome =>
        {
            probe?.Enter("log", outcome);
            var batch = outcome.Batch;
            var records = Records(batch, outcome.PolicyVersion);
            sink.WriteStep(batch.Step, records);
            _counters = new RunCounters
            {
                Step = batch.Step,
                PolicyVersion = outcome.PolicyVersion,
                RolloutsLogged = _counters.RolloutsLogged + records.Count,
                GroupsTrained = _counters.GroupsTrained + batch.Kept.Count,
                GroupsFiltered = _counters.GroupsFiltered + batch.Filtered.Count,
            };
            ledger.Logged(batch.Step, _counters);
            if (checkpoints.IsDue(batch.Step)) SaveCheckpoint(batch.Step);
            probe?.Exit("log", outcome);
        }, options.ToDataflow(ct, serial: true));
    }

    public ActionBlock<StepOutcome> Block { get; }

    /// <summary>Saves the checkpoint of <paramref name="step"/> unless it exists; safe from the stop path.</summary>
    public void SaveCheckpoint(long step)
    {
        lock (_checkpointLock)
        {
            if (_ledger.LastCheckpointedStep >= step || step <= 0) return;
            _checkpoints.Save(step, _ledger.Counters);
            _ledger.Checkpointed(step);
        }
    }

    public static List<RolloutRecord> Records(StepBatch batch, long version)
    {
        var records = new List<RolloutRecord>();
        // Replayed rows were logged when generated; only the step's own rollouts are written.
        var advantages = batch.Rows.Where(r => r.ReplayIsCap is null).ToDictionary(r => (r.Rollout.Request.GroupId, r.Rollout.SampleIndex));
        foreach (var group in batch.Kept) Add(records, batch.Step, group, Fate.Trained, null, advantages);
        foreach (var group in batch.Filtered) Add(records, batch.Step, group, Fate.Filtered, group.Reason, advantages);
        return records;
    }

    private static void Add(List<RolloutRecord> records, long step, DecidedGroup group, string fate, string? reason, Dictionary<(long, int), TrainRow> rows)
    {
        for (int i = 0; i < group.Rollouts.Length; i++)
        {
            var r = group.Rollouts[i];
            rows.TryGetValue((r.Request.GroupId, r.SampleIndex), out var row);
            records.Add(new RolloutRecord
            {
                RunId = r.Request.RunId,
                Step = step,
                PolicyVersion = r.PolicyVersion,
                PromptId = r.Request.Problem.Id,
                GroupId = r.Request.GroupId,
                SampleIndex = r.SampleIndex,
                Task = r.Request.Problem.Task,
                Provenance = r.Request.Provenance,
                GenerationContext = r.Request.GenerationContext,
                TrainingContext = r.Request.TrainingContext,
                PromptTokenIds = r.TrainingPromptTokenIds,
                GenerationPromptTokenIds = ReferenceEquals(r.TrainingPromptTokenIds, r.PromptTokenIds) ? (ReadOnlyMemory<int>?)null : r.PromptTokenIds,
                ForcedTokens = r.ForcedTokens,
                GuidanceSource = r.Request.Guidance?.Source,
                GuidanceTreatment = r.Request.Guidance?.Treatment,
                CompletionTokenIds = r.CompletionTokenIds,
                BehaviourLogProbs = r.BehaviourLogProbs,
                CompletionText = r.CompletionText,
                FinishReason = r.FinishReason,
                Truncated = r.Truncated,
                RewardNames = [.. r.RewardParts.Select(p => p.Name)],
                RewardValues = [.. r.RewardParts.Select(p => p.Value)],
                RewardTotal = group.Rewards[i],
                Advantage = row?.Advantage ?? 0f,
                TokenAdvantages = row is null || row.TokenAdvantages.All(a => a == row.Advantage) ? (ReadOnlyMemory<float>?)null : row.TokenAdvantages,
                FilterDecision = r.Failure is not null ? Fate.Failed : fate,
                FilterReason = r.Failure ?? (fate == Fate.Trained ? group.Reason : reason),
                HintTier = r.Request.HintTier,
                GenerationMs = r.GenerationMs,
                VerifyMs = r.VerifyMs,
                CreatedAt = DateTimeOffset.UtcNow,
            });
        }
    }
}
