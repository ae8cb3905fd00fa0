using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Graph;

/// <summary>
/// The weights generation samples from, with their version. In synchronous mode this is the
/// trainer's own model (admission guarantees no generation overlaps a step); in asynchronous mode
/// it is a copy that the trainer overwrites after each step, between generation calls: generation
/// holds a read permit, a publish takes all of them.
/// </summary>
public sealed class PolicyWeights : IDisposable
{
    private readonly IPolicyModel _generator;
    private readonly bool _owned;
    private readonly int _readers;
    private readonly SemaphoreSlim _permits;
    private long _version;

    public PolicyWeights(IPolicyModel trainerModel, bool separateCopy, long version, int maxConcurrentGenerations)
    {
        _owned = separateCopy;
        _generator = separateCopy ? trainerModel.Clone() : trainerModel;
        _readers = Math.Max(1, maxConcurrentGenerations);
        _permits = new SemaphoreSlim(_readers, _readers);
        _version = version;
    }

    public long Version => Interlocked.Read(ref _version);

    public IPolicyModel Generator => _generator;

    public async Task<(GenerationResult Result, long Version)> GenerateAsync(GenerationRequest request, CancellationToken ct)
    {
        await _permits.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            long version = Version;
            return (await _generator.GenerateAsync(request, ct).ConfigureAwait(false), version);
        }
        finally
        {
            _permits.Release();
        }
    }

    /// <summary>Makes <paramref name="trained"/>'s weights, at <paramref name="version"/>, the ones generation uses.</summary>
    public async Task PublishAsync(IPolicyModel trained, long version, CancellationToken ct)
    {
        int taken = 0;
        try
        {
            for (; taken < _readers; taken++) await _permits.WaitAsync(ct).ConfigureAwait(false);
            if (!ReferenceEquals(trained, _generator)) _generator.CopyWeightsFrom(trained);
            Interlocked.Exchange(ref _version, version);
        }
        finally
        {
            if (taken > 0) _permits.Release(taken);
        }
    }

    public void Dispose()
    {
        if (_owned) _generator.Dispose();
        _permits.Dispose();
    }
}
