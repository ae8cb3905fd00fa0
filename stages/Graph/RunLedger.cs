namespace Pipeline.Stages.Graph;

/// <summary>Counts the run has reached; saved in every checkpoint.</summary>
public sealed record RunCounters
{
    public long Step { get; init; }
    public long PolicyVersion { get; init; }
    public long RolloutsLogged { get; init; }
    public long GroupsTrained { get; init; }
    public long GroupsFiltered { get; init; }
}

/// <summary>
/// Shared progress of one run: the policy version, which steps are logged and checkpointed, and the
/// stop request. Blocks wait on it instead of on each other, so no edge of the graph runs backwards.
/// </summary>
public sealed class RunLedger(long startStep, RunCounters? startCounters = null)
{
    private readonly Lock _lock = new();
    private readonly List<(long Step, bool Checkpoint, TaskCompletionSource Done)> _waiters = [];
    private long _version = startStep;
    private long _logged = startStep;
    private long _checkpointed = startStep;
    private long _trained = startStep;
    private volatile bool _stop;

    /// <summary>Serialises a training step against a graceful stop's checkpoint.</summary>
    public SemaphoreSlim TrainLock { get; } = new(1, 1);

    /// <summary>Completed training steps: the version of the current weights.</summary>
    public long Version => Interlocked.Read(ref _version);

    public long LastTrainedStep => Interlocked.Read(ref _trained);

    public long LastLoggedStep => Interlocked.Read(ref _logged);

    public long LastCheckpointedStep => Interlocked.Read(ref _checkpointed);

    public bool StopRequested => _stop;

    public RunCounters Counters { get; private set; } = startCounters ?? new() { Step = startStep, PolicyVersion = startStep };

    public void RequestStop() => _stop = true;

    public void Trained(long step)
    {
        Interlocked.Exchange(ref _trained, step);
        Interlocked.Exchange(ref _version, step);
    }

    public void Logged(long step, RunCounters counters)
    {
        lock (_lock)
        {
            Counters = counters;
            _logged = step;
            Release();
        }
    }

    public void Checkpointed(long step)
    {
        lock (_lock)
        {
            _checkpointed = Math.Max(_checkpointed, step);
            Release();
        }
    }

    public Task WaitLoggedAsync(long step, CancellationToken ct) => Wait(step, false, ct);

    public Task WaitCheckpointedAsync(long step, CancellationToken ct) => Wait(step, true, ct);

    private Task Wait(long step, bool checkpoint, CancellationToken ct)
    {
        lock (_lock)
        {
            if ((checkpoint ? _checkpointed : _logged) >= step) return Task.CompletedTask;
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((step, checkpoint, tcs));
            return tcs.Task.WaitAsync(ct);
        }
    }

    private void Release()
    {
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            var (step, checkpoint, done) = _waiters[i];
            if ((checkpoint ? _checkpointed : _logged) >= step)
            {
                done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }
}
