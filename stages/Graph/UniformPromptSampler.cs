using Pipeline.Data.Problems;
using Pipeline.Stages.Policy;
using Pipeline.Stages.Sampling;

namespace Pipeline.Stages.Graph;

/// <summary>
/// Every prompt equally often: draws walk a fresh seeded permutation of the pool per epoch, so a
/// prompt repeats only after the whole pool has been seen, and draw d is the same prompt in every
/// run with the same seed (resume regenerates exactly what it cut).
/// </summary>
public sealed class UniformPromptSampler(IReadOnlyList<Problem> pool, ulong seed, SamplerOptions? options = null)
    : PromptSamplerBase(pool, seed, options ?? new SamplerOptions())
{
    private readonly Dictionary<long, int[]> _permutations = [];
    private readonly Lock _lock = new();

    public override string Name => "uniform";

    public Problem Next(long draw) => Next(draw, 0);

    public override Problem Next(long draw, long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        long epoch = draw / Pool.Count;
        int position = (int)(draw % Pool.Count);
        lock (_lock)
        {
            if (!_permutations.TryGetValue(epoch, out var perm))
            {
                if (_permutations.Count > 4) _permutations.Clear();
                perm = Permutation(Pool.Count, Seed ^ ((ulong)epoch * 0x9E3779B97F4A7C15UL));
                _permutations[epoch] = perm;
            }
            return Pool[perm[position]];
        }
    }

    private static int[] Permutation(int n, ulong seed)
    {
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        ulong state = seed;
        TokenSampler.Shuffle(perm, ref state);
        return perm;
    }
}
