using Pipeline.Data.Problems;

namespace Pipeline.Data.Tasks;

/// <summary>
/// SplitMix64: a tiny generator whose output is fixed by this code alone, so a task's problems
/// for a given seed stay the same across .NET versions (System.Random makes no such promise).
/// </summary>
public struct TaskRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, maxExclusive), without modulo bias (rejection of the short last block).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var bound = (ulong)maxExclusive;
        var limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do
            x = NextUInt64();
        while (x >= limit);
        return (int)(x % bound);
    }

    /// <summary>Uniform in [min, max] inclusive.</summary>
    public int Next(int min, int max) => min + Next(max - min + 1);

    /// <summary>The generator for problem <paramref name="index"/> of a stream: independent of how many draws earlier problems took.</summary>
    public static TaskRandom ForIndex(ulong seed, int difficulty, long index) =>
        new(StableHash.Mix(StableHash.Mix(seed) ^ StableHash.Mix(((ulong)difficulty << 48) ^ (ulong)index)));
}
