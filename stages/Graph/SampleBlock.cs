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
    private static readonly object Wake = new();

    public SampleBlock(IPromptSampler sampler, SlotPlan plan, SampleSettings settings, RunLedger ledger, BlockOptions options, IBlockProbe? probe, CancellationToken ct)
    {
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
                    next = Make(dropped.TargetStep, dropped.Slot, dropped.Round + 1);
                }
                else if (nextStep <= _settings.LastStep && nextStep <= _ledger.Version + 1 + _settings.MaxStaleness)
                {
                    next = Make(nextStep, nextSlot, 0);
                    if (++nextSlot == _plan.PromptsPerStep)
                    {
                        nextSlot = 0;
                        nextStep++;
                    }
                }

                if (next is not null)
                {
                    if (!await _output.SendAsync(next, ct).ConfigureAwait(false)) break;
                    continue;
                }

                if (!await _events.OutputAvailableAsync(ct).ConfigureAwait(false)) break;
            }

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
            _events.Complete();
        }
    }

    private GroupRequest Make(long step, int slot, int round)
    {
        long draw = _plan.Draw(step, slot, round);
        _probe?.Enter("sample", draw);
        var problem = _sampler.Next(draw, step);
        var request = new GroupRequest(_plan.RunId, step, slot, round, draw, problem, _sampler.GroupSize(problem, step, _plan.GroupSize), Data.Rollouts.Provenance.OnPolicy, null, _plan.GenerationSeed(draw));
        _probe?.Exit("sample", draw);
        return request;
    }
}
