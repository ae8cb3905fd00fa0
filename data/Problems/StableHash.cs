using System.Text;

namespace Pipeline.Data.Problems;

/// <summary>
/// Hashes that stay the same across processes, platforms and .NET versions (string.GetHashCode
/// is randomised per process): FNV-1a 64 over UTF-8, finished with the SplitMix64 mixer so that
/// nearby ids and seeds spread over the whole range.
/// </summary>
public static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var h = FnvOffset;
        foreach (var b in bytes)
        {
            h ^= b;
            h *= FnvPrime;
        }
        return h;
    }

    public static ulong Fnv1a(string text)
    {
        // Unpaired surrogates become U+FFFD, as in every UTF-8 encoder, so any string hashes.
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 1024)
        {
            Span<byte> buffer = stackalloc byte[max];
            return Fnv1a(buffer[..Encoding.UTF8.GetBytes(text, buffer)]);
        }
        return Fnv1a(Encoding.UTF8.GetBytes(text));
    }

    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Of(string text, ulong seed) => Mix(Fnv1a(text) ^ Mix(seed));

    /// <summary>Maps a hash to [0, 1) using its top 53 bits.</summary>
    public static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    public static string Hex(ulong hash) => hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
