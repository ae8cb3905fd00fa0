namespace Pipeline.Stages.Graph;

/// <summary>
/// Whether more groups are on their way to the generation batcher, so that a free call slot
/// waiting to batch (<see cref="GenerateBatching.Wait"/>) starts as soon as nothing else can
/// join it instead of sleeping out the whole wait: in sync mode every step's groups are sampled
/// at once, and waiting past the last of them only delays the step. Sample counts the groups it
/// hands on and says when it has nothing more to emit (it waits for the trainer or a
/// replacement); the batcher counts the groups that reach it.
/// </summary>
public sealed class GenerateInflow
{
    private int _inTransit;
    private volatile bool _producing = true;

    /// <summary>Raised when Sample stops producing, so a waiting slot re-checks at once.</summary>
    public event Action? Idle;

    /// <summary>Sample or the batcher may still add groups.</summary>
    public bool MoreComing => _producing || Volatile.Read(ref _inTransit) > 0;

    /// <summary>Sample hands a group on (before sending it; <see cref="Unsent"/> if the send fails).</summary>
    public void Sent() => Interlocked.Increment(ref _inTransit);

    public void Unsent() => Arrived();

    /// <summary>A group reached the batcher. Groups that did not come from Sample (guided retries) are not counted.</summary>
    public void Arrived()
    {
        int seen = Volatile.Read(ref _inTransit);
        while (seen > 0)
        {
            int was = Interlocked.CompareExchange(ref _inTransit, seen - 1, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    /// <summary>Sample starts (true) or stops (false) emitting groups.</summary>
    public void Producing(bool producing)
    {
        _producing = producing;
        if (!producing) Idle?.Invoke();
    }
}
