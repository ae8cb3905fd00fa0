using System.Threading.Tasks.Dataflow;
using Pipeline.Data.Rollouts;
using Pipeline.Stages.Algorithms.Filters;
using Pipeline.Stages.Algorithms.Shaping;
using Pipeline.Stages.Guidance;

namespace Pipeline.Stages.Graph;

/// <summary>Filter settings the block needs beyond the filter component itself.</summary>
public sealed record GroupFilterSettings(int MaxExtraRounds, int FeedbackCapacity);

/// <summary>
/// Group + Filter: gathers a group's rollouts (they arrive in any order), applies the group reward
/// transform, records prompt statistics with the sampler, and asks the filter component. A dropped
/// group goes out with its reason and asks the sampler for a replacement; a group to guide is retried
/// with the next tier of the guidance source through <see cref="Retries"/> (feedback edge to
/// Generate). A guided group with any success is kept: it is the signal guidance exists to find.
/// Guided groups do not enter the prompt statistics, which describe the prompt without help. After
/// max_extra_rounds a group is kept whatever the verdict, so every slot ends with a kept group.
/// </summary>
public sealed class GroupFilterBlock
{
    private readonly Dictionary<long, List<Rollout>> _partial = [];
    private readonly BufferBlock<GroupRequest> _retries;
    private readonly GuidancePlanner _guidance;
    private readonly Dictionary<(long Step, int Slot), DecidedGroup> _unsolved = [];

    public GroupFilterBlock(
        IGroupFilter filter, IGroupRewardTransform? transform, IPromptSampler sampler, SampleBlock sample, SlotPlan plan,
        GroupFilterSettings settings, BlockOptions options, IBlockProbe? probe, CancellationToken ct, GuidancePlanner? guidance = null)
    {
        _guidance = guidance ?? GuidancePlanner.Create(new GuidanceOptions());
        _retries = new BufferBlock<GroupRequest>(new DataflowBlockOptions { BoundedCapacity = settings.FeedbackCapacity, CancellationToken = ct });
        Block = new TransformManyBlock<Rollout, DecidedGroup>(rollout =>
        {
            probe?.Enter("group_filter", rollout);
            var id = rollout.Request.GroupId;
            if (!_partial.TryGetValue(id, out var list)) _partial[id] = list = new List<Rollout>(rollout.Request.GroupSize);
            list.Add(rollout);
            if (list.Count < rollout.Request.GroupSize)
            {
                probe?.Exit("group_filter", rollout);
                return [];
            }

            _partial.Remove(id);
            probe?.Enter("decide", rollout.Request);
            probe?.Exit("decide", rollout.Request);
            var decided = Decide([.. list.OrderBy(r => r.SampleIndex)], filter, transform, sampler, sample, plan, settings);
            probe?.Exit("group_filter", rollout);
            return _guidance.KeepFailures ? PairWithFailures(decided) : [decided];
        }, options.ToDataflow(ct, serial: true));
    }

    public TransformManyBlock<Rollout, DecidedGroup> Block { get; }

    /// <summary>Guided retries (same prompt, next hint tier), to be linked to Generate.</summary>
    public ISourceBlock<GroupRequest> Retries => _retries;

    /// <summary>Groups waiting for more rollouts.</summary>
    public int PartialGroups => _partial.Count;

    /// <summary>
    /// guidance.keep_failures: a slot's unguided all-wrong group waits for its guided retries and is
    /// trained in one group with the retry that is kept, so the hinted successes are measured against
    /// the plain failures; when the slot is re-drawn instead, the failures go to the log as filtered.
    /// </summary>
    private IEnumerable<DecidedGroup> PairWithFailures(DecidedGroup decided)
    {
        var key = (decided.Request.TargetStep, decided.Request.Slot);
        bool retried = decided.Reason.StartsWith(GuidedRetry, StringComparison.Ordinal);
        if (decided.Request.Guidance is null)
        {
            if (!retried) return [decided];
            _unsolved[key] = decided;
            return [];
        }

        if (retried || !_unsolved.Remove(key, out var failed)) return [decided];
        if (!decided.Kept) return [failed, decided];
        return [decided with
        {
            Rollouts = [.. failed.Rollouts, .. decided.Rollouts],
            Rewards = [.. failed.Rewards, .. decided.Rewards],
            Reason = decided.Reason + "_with_failures",
        }];
    }

    private const string GuidedRetry = "guided_retry:";

    private DecidedGroup Decide(Rollout[] rollouts, IGroupFilter filter, IGroupRewardTransform? transform, IPromptSampler sampler, SampleBlock sample, SlotPlan plan, GroupFilterSettings settings)
    {
        var request = rollouts[0].Request;
        var raw = rollouts.Select(r => (float)r.Reward).ToArray();
        var scored = new ScoredGroup(
            request.Problem.Id, raw, [.. rollouts.Select(r => r.Correct)], [.. rollouts.Select(r => r.CompletionTokenIds.Length)], [.. rollouts.Select(r => r.Truncated)]);
        bool canRetry = request.Round < settings.MaxExtraRounds;

        if (rollouts.FirstOrDefault(r => r.Failure is not null) is { } failed)
        {
            if (!canRetry)
                throw new InvalidOperationException($"group {request.GroupId} (prompt {request.Problem.Id}) failed verification in {request.Round + 1} attempts, the last with {failed.Failure}; raise pipeline.verify_timeout_ms or fix the verifier.");
            sample.RequestReplacement(request);
            return new DecidedGroup(request, rollouts, raw, false, "rollout_failed");
        }

        var rewards = transform is null ? raw : transform.Apply(scored);
        bool guided = request.Guidance is not null;
        if (!guided)
            sampler.Record(request.Problem.Id, rollouts.Length, rollouts.Count(r => r.Correct), request.TargetStep, rollouts.Sum(r => (long)r.CompletionTokenIds.Length));
        var decision = filter.Evaluate(scored with { Rewards = rewards });
        int nextTier = (request.HintTier ?? -1) + 1;
        switch (decision.Verdict)
        {
            case GroupVerdict.Keep:
                return new DecidedGroup(request, rollouts, rewards, true, decision.Reason);
            case GroupVerdict.Drop when guided && rollouts.Any(r => r.Correct):
                return new DecidedGroup(request, rollouts, rewards, true, "guided_" + decision.Reason);
            case GroupVerdict.Drop when canRetry:
                sample.RequestReplacement(request);
                return new DecidedGroup(request, rollouts, rewards, false, decision.Reason);
            case GroupVerdict.Guide when canRetry && _guidance.HasTier(request.Problem, nextTier):
                long draw = plan.Draw(request.TargetStep, request.Slot, request.Round + 1);
                double passRate = sampler.Statistics.TryGetValue(request.Problem.Id, out var stats) ? stats.PassRate : 0;
                var retry = request with
                {
                    Round = request.Round + 1,
                    GroupId = draw,
                    Seed = plan.GenerationSeed(draw),
                    HintTier = nextTier,
                    Provenance = Provenance.Hinted,
                    Guidance = _guidance.Payload(request.Problem, nextTier, passRate),
                };
                if (!_retries.Post(retry))
                    throw new InvalidOperationException($"the guided-retry queue is full ({_retries.Count}); more groups are in flight than the admission window allows.");
                return new DecidedGroup(request, rollouts, rewards, false, GuidedRetry + decision.Reason);
            default:
                return new DecidedGroup(request, rollouts, rewards, true, decision.Reason + (canRetry ? "_kept_no_hint_left" : "_kept_after_max_extra_rounds"));
        }
    }
}
