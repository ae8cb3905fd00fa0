using Pipeline.Model.Torch;

namespace Pipeline.Model.Policy;

/// <summary>
/// Sampling where every row draws from its own counter-based stream: the uniform of row b at
/// decode step s is a hash of (seed_b, s), so what a row samples depends on its seed and its own
/// logits only, not on which other rows share the batch or at which index it sits. Still batched
/// on the device: one [B] uniform per step, turned into a token by inverting the row's CDF over the
/// top-k/top-p filtered softmax (exactly the multinomial over that distribution). Hashing one
/// value per row and step, not one per vocabulary entry as Gumbel-max would, keeps the cost at a
/// cumsum over the logits.
/// </summary>
public sealed class RowSampler : IDisposable
{
    private readonly Tensor _uniforms; // (B, steps) float64 in [0, 1)

    public RowSampler(IReadOnlyList<ulong> rowSeeds, int steps, Device device)
    {
        var host = new double[rowSeeds.Count * steps];
        for (var b = 0; b < rowSeeds.Count; b++)
        {
            for (var s = 0; s < steps; s++) host[b * steps + s] = Uniform(rowSeeds[b], s);
        }
        _uniforms = torch.tensor(host, [rowSeeds.Count, steps], device: device).DetachFromDisposeScope();
    }

    /// <summary>The uniform in [0, 1) row <paramref name="seed"/> draws at <paramref name="step"/>: 53 bits of a SplitMix64 hash.</summary>
    public static double Uniform(ulong seed, int step) =>
        (Mix(Mix(seed) + (ulong)(step + 1) * 0x9E3779B97F4A7C15UL) >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// logits (B, V) -> (tokens (B) int64, logProbs (B) float32) at decode step
    /// <paramref name="step"/>; log-probs as <see cref="Sampler.Sample"/> reports them.
    /// </summary>
    public (Tensor Tokens, Tensor LogProbs) Sample(Tensor logits, SamplingOptions o, int step)
    {
        var scaled = o.Temperature == 1.0 ? logits : logits / o.Temperature;                  // (B, V)
        var logp = scaled.log_softmax(-1);                                                     // (B, V)
        var tokens = Invert(Sampler.Filter(scaled, o.TopK, o.TopP), _uniforms.narrow(1, step, 1));
        return (tokens.squeeze(1), logp.gather(1, tokens).squeeze(1));
    }

    /// <summary>
    /// Token i is chosen when cdf[i-1] &lt;= u·total &lt; cdf[i]; tokens filtered to -inf have an empty
    /// interval. Counting only the first V-1 entries keeps the index in range when rounding puts
    /// u·total at the total. float64 so a long vocabulary's cumsum keeps the small probabilities.
    /// </summary>
    public static Tensor Invert(Tensor filtered, Tensor uniforms) // (B, V), (B, 1) -> (B, 1) int64
    {
        var V = filtered.size(-1);
        var cdf = filtered.to(ScalarType.Float64).softmax(-1).cumsum(-1);                     // (B, V)
        var target = uniforms * cdf.narrow(1, V - 1, 1);                                       // (B, 1)
        return cdf.narrow(1, 0, V - 1).le(target).sum(1, keepdim: true).to(ScalarType.Int64);
    }

    public void Dispose() => _uniforms.Dispose();

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
