using Pipeline.Data.Problems;
using Pipeline.Stages.Policy;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Every prompt equally often: draws walk a fresh seeded permutation of the pool per epoch, so a
/// prompt repeats only after the whole pool has been seen, and draw d is the same prompt in every
/// run with the same seed (resume regenerates exactly what it cut).
/// </summary>
public sealed class UniformPromptSampler : IPromptSampler
{
    private readonly IReadOnlyList<Problem> _pool;
    private readonly ulong _seed;
    private readonly Dictionary<long, int[]> _permutations = [];
    private readonly Dictionary<string, PromptStatistics> _stats = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public UniformPromptSampler(IReadOnlyList<Problem> pool, ulong seed)
    {
        if (pool.Count == 0) throw new ArgumentException("the prompt pool is empty.", nameof(pool));
        _pool = pool;
        _seed = seed;
    }

    public string Name => "uniform";

    public Problem Next(long draw)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        long epoch = draw / _pool.Count;
        int position = (int)(draw % _pool.Count);
        lock (_lock)
        {
            if (!_permutations.TryGetValue(epoch, out var perm))
            {
                if (_permutations.Count > 4) _permutations.Clear();
                perm = Permutation(_pool.Count, _seed ^ ((ulong)epoch * 0x9E3779B97F4A7C15UL));
                _permutations[epoch] = perm;
            }
            return _pool[perm[position]];
        }
    }

    public void Record(string promptId, int attempts, int successes, long step)
    {
        lock (_lock)
        {
            _stats.TryGetValue(promptId, out var s);
            _stats[promptId] = new PromptStatistics((s?.Attempts ?? 0) + attempts, (s?.Successes ?? 0) + successes, Math.Max(step, s?.LastStep ?? 0));
        }
    }

    public IReadOnlyDictionary<string, PromptStatistics> Statistics
    {
        get
        {
            lock (_lock) return new Dictionary<string, PromptStatistics>(_stats, StringComparer.Ordinal);
        }
    }

    public void Restore(IReadOnlyDictionary<string, PromptStatistics> statistics)
    {
        lock (_lock)
        {
            _stats.Clear();
            foreach (var (k, v) in statistics) _stats[k] = v;
        }
    }

    private static int[] Permutation(int n, ulong seed)
    {
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        ulong state = seed;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)(TokenSampler.Next(ref state) % (ulong)(i + 1));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        return perm;
    }
}
