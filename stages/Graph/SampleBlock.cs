using System.Threading.Tasks.Dataflow;

namespace Pipeline.Stages.Graph;

/// <summary>Where the sampler stands when the graph starts.</summary>
/// <param name="FirstStep">First step to fill (1, or the resumed checkpoint's step + 1).</param>
/// <param name="LastStep">Last step of the run.</param>
/// <param name="MaxStaleness">Steps generation may run ahead of the trainer (0: synchronous).</param>
public sealed record SampleSettings(long FirstStep, long LastStep, int MaxStaleness);

/// <summary>
/// The source of the graph. It admits a fresh slot for step t only while t ≤ version + 1 +
/// max_staleness, so the groups in flight, and with them the staleness, are bounded; replacement
/// requests from Group+Filter (feedback edge) take priority over fresh slots and keep their slot.
/// Ends when the trainer's version reaches the last step or a stop is requested.
/// </summary>
public sealed class SampleBlock
{
    private readonly IPromptSampler _sampler;
    private readonly SlotPlan _plan;
    private readonly SampleSettings _settings;
    private readonly RunLedger _ledger;
    private readonly IBlockProbe? _probe;
    private readonly BufferBlock<GroupRequest> _output;
    private readonly BufferBlock<object> _events;
    private readonly GenerateInflow? _inflow;
    private static readonly object Wake = new();
    private readonly Dictionary<long, IReadOnlyList<int>?> _slotSizes = [];
    private bool _splitting;

    public SampleBlock(IPromptSampler sampler, SlotPlan plan, SampleSettings settings, RunLedger ledger, BlockOptions options, IBlockProbe? probe, CancellationToken ct,
        GenerateInflow? inflow = null)
    {
        _inflow = inflow;
        _sampler = sampler;
        _plan = plan;
        _settings = settings;
        _ledger = ledger;
        _probe = probe;
        _output = new BufferBlock<GroupRequest>(new DataflowBlockOptions { BoundedCapacity = options.Capacity, CancellationToken = ct, EnsureOrdered = false });
        // Pending replacements never exceed the slots in flight, so this bound is never reached;
        // if it were, Post would fail loudly rather than block a feedback edge into a cycle.
        _events = new BufferBlock<object>(new DataflowBlockOptions { BoundedCapacity = FeedbackCapacity(plan, settings), CancellationToken = ct });
        Completion = RunAsync(ct);
    }

    /// <summary>Most groups that can be in flight at once: (max_staleness + 1) steps of slots.</summary>
    public static int FeedbackCapacity(SlotPlan plan, SampleSettings settings) => ((settings.MaxStaleness + 1) * plan.PromptsPerStep) + 16;

    public ISourceBlock<GroupRequest> Output => _output;

    public Task Completion { get; }

    public int QueueDepth => _output.Count;

    /// <summary>Feedback edge from Group+Filter and Batch: draw a new prompt for this group's slot.</summary>
    public void RequestReplacement(GroupRequest dropped)
    {
        if (!_events.Post(dropped))
            throw new InvalidOperationException($"the sampler's feedback queue is full ({_events.Count}); more groups are in flight than the admission window allows.");
    }

    /// <summary>Tells the sampler the trainer finished a step, or that a stop was requested.</summary>
    public void Wakeup() => _events.Post(Wake);

    private async Task RunAsync(CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            long nextStep = _settings.FirstStep;
            int nextSlot = 0;
            var pending = new Queue<GroupRequest>();
            while (true)
            {
                while (_events.TryReceive(out var e))
                {
                    if (e is GroupRequest r) pending.Enqueue(r);
                }

                if (_ledger.Version >= _settings.LastStep || _ledger.StopRequested) break;
                GroupRequest? next = null;
                if (pending.TryDequeue(out var dropped))
                {
                    next = Make(dropped.TargetStep, dropped.Slot, dropped.Round + 1, dropped.GroupSize);
                }
                else if (nextStep <= _settings.LastStep && nextStep <= _ledger.Version + 1 + _settings.MaxStaleness)
                {
                    next = Make(nextStep, nextSlot, 0, null);
                    if (++nextSlot == _plan.PromptsPerStep)
                    {
                        nextSlot = 0;
                        nextStep++;
                    }
                }

                if (next is not null)
                {
                    _inflow?.Producing(true);
                    _inflow?.Sent();
                    if (await _output.SendAsync(next, ct).ConfigureAwait(false)) continue;
                    _inflow?.Unsent();
                    break;
                }

                _inflow?.Producing(false);
                if (!await _events.OutputAvailableAsync(ct).ConfigureAwait(false)) break;
            }

            _inflow?.Producing(false);
            _output.Complete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _output.Complete();
            throw;
        }
        catch (Exception e)
        {
            ((IDataflowBlock)_output).Fault(e);
            throw;
        }
        finally
        {
            _inflow?.Producing(false);
            _events.Complete();
        }
    }

    /// <summary>
    /// The sampler's split of a step's rollout total, from the prompts of the step's first attempts,
    /// fixed when the step's first slot is admitted (in async mode later statistics could change a
    /// recomputed split); only first attempts ask, and those come before the step is trained.
    /// </summary>
    private IReadOnlyList<int>? SlotSizes(long step)
    {
        if (_slotSizes.TryGetValue(step, out var cached)) return cached;
        var firsts = Enumerable.Range(0, _plan.PromptsPerStep).Select(s => _sampler.Next(_plan.Draw(step, s, 0), step)).ToList();
        var sizes = _sampler.SlotGroupSizes(firsts, step, _plan.GroupSize);
        _splitting |= sizes is not null;
        foreach (var done in _slotSizes.Keys.Where(k => k <= _ledger.Version).ToList()) _slotSizes.Remove(done);
        _slotSizes[step] = sizes;
        return sizes;
    }

    private GroupRequest Make(long step, int slot, int round, int? slotSize)
    {
        long draw = _plan.Draw(step, slot, round);
        _probe?.Enter("sample", draw);
        var problem = _sampler.Next(draw, step);
        // A replacement keeps its slot's share of a split total; its step may be trained and gone.
        int size = slotSize is { } kept && _splitting ? kept
            : round == 0 && SlotSizes(step) is { } sizes ? sizes[slot]
            : _sampler.GroupSize(problem, step, _plan.GroupSize);
        var request = new GroupRequest(_plan.RunId, step, slot, round, draw, problem, size, Data.Rollouts.Provenance.OnPolicy, null, _plan.GenerationSeed(draw));
        _probe?.Exit("sample", draw);
        return request;
    }
}
