using Pipeline.Data.Problems;
using Pipeline.Data.Rollouts;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Guidance;

/// <summary>
/// Replay: adds round(share · fresh rows) logged successes of still-hard prompts (pass rate without
/// hints at most max_pass_rate) to a step. Candidates are trained rollouts whose reward reaches
/// min_reward and whose training context is their generation context, so the stored behaviour
/// log-probs are those of the trained sequence. A replayed row's advantage is reward − p̂ (the
/// prompt's pass rate as baseline); the trainer weighs its tokens by min(π_θ/μ, is_cap).
/// Log files are read once each, as they complete; replayed rows are not logged again.
/// </summary>
public sealed class ReplayMixer(ReplayReader reader, ReplayOptions options, IPromptSampler sampler, ulong seed)
{
    private readonly List<RolloutRecord> _candidates = [];
    private int _files;
    private long _through;

    public int Candidates => _candidates.Count;

    public StepBatch Mix(StepBatch batch)
    {
        Refresh();
        int wanted = (int)Math.Round(options.Share * batch.Rows.Count, MidpointRounding.AwayFromZero);
        if (wanted == 0 || _candidates.Count == 0) return batch;
        var stats = sampler.Statistics;
        double PassRate(string id) => stats.TryGetValue(id, out var s) ? s.PassRate : 0;
        var hard = _candidates.Where(c => PassRate(c.PromptId) <= options.MaxPassRate).ToList();
        if (hard.Count == 0) return batch;

        ulong state = seed ^ ((ulong)batch.Step * 0xD1B54A32D192ED03UL);
        int groups = batch.Rows.Count == 0 ? 0 : batch.Rows.Max(r => r.GroupIndex) + 1;
        var rows = new List<TrainRow>(batch.Rows);
        // A partial Fisher–Yates shuffle: each candidate at most once per step.
        for (int k = 0; k < Math.Min(wanted, hard.Count); k++)
        {
            int pick = k + (int)(TokenSampler.Next(ref state) % (ulong)(hard.Count - k));
            (hard[k], hard[pick]) = (hard[pick], hard[k]);
            var record = hard[k];
            float advantage = (float)(record.RewardTotal - PassRate(record.PromptId));
            rows.Add(Row(record, groups + k, advantage));
        }
        return batch with { Rows = rows };
    }

    private TrainRow Row(RolloutRecord record, int group, float advantage)
    {
        var problem = new Problem { Id = record.PromptId, Prompt = record.TrainingContext, Answer = "", Task = record.Task };
        var request = new GroupRequest(record.RunId, record.Step, -1, 0, record.GroupId, problem, 1, Provenance.Replayed, record.HintTier, 0);
        var rollout = new Rollout
        {
            Request = request,
            SampleIndex = record.SampleIndex,
            PolicyVersion = record.PolicyVersion,
            PromptTokenIds = record.PromptTokenIds.ToArray(),
            CompletionTokenIds = record.CompletionTokenIds.ToArray(),
            BehaviourLogProbs = record.BehaviourLogProbs.ToArray(),
            CompletionText = record.CompletionText,
            FinishReason = record.FinishReason,
            Truncated = record.Truncated,
            Reward = record.RewardTotal,
            Correct = true,
        };
        int n = rollout.CompletionTokenIds.Length;
        var tokens = new float[n];
        Array.Fill(tokens, advantage);
        var weights = new float[n];
        Array.Fill(weights, 1f);
        return new TrainRow(rollout, group, advantage, tokens, weights) { ReplayIsCap = options.IsCap };
    }

    private void Refresh()
    {
        int files = reader.Files.Count;
        if (files == _files) return;
        _files = files;
        // Files hold consecutive steps: everything up to _through was read, and only steps after it are new.
        foreach (var record in reader.Read(new ReplayFilter { MinReward = options.MinReward, MinStep = _through + 1 }))
        {
            _through = Math.Max(_through, record.Step);
            if (record.FilterDecision == Fate.Trained && record.GenerationContext == record.TrainingContext && record.Provenance != Provenance.Replayed)
                _candidates.Add(record);
        }
    }
}
