using Pipeline.Model.Torch;

namespace Pipeline.Model.Policy;

/// <summary>
/// Preallocated keys and values of every layer, (B, nkv, capacity, hs) each. All rows share one
/// write position (prompts are left-padded to a common length), so a step's K/V go into one
/// narrow slice by copy_, with no reallocation as the sequence grows.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    public KvCache(LlamaConfig config, long batch, int capacity, ScalarType dtype, Device? device = null)
    {
        Capacity = capacity;
        _keys = new Tensor[config.NumHiddenLayers];
        _values = new Tensor[config.NumHiddenLayers];
        long[] shape = [batch, config.NumKeyValueHeads, capacity, config.HeadDim];
        for (var i = 0; i < _keys.Length; i++)
        {
            _keys[i] = torch.zeros(shape, dtype, device).DetachFromDisposeScope();
            _values[i] = torch.zeros(shape, dtype, device).DetachFromDisposeScope();
        }
    }

    public int Capacity { get; }

    /// <summary>Positions filled by completed forward calls.</summary>
    public int Length { get; private set; }

    /// <summary>Writes k, v (B, nkv, T, hs) after the cached positions; returns views of all S = Length + T.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        var T = k.size(2);
        EnsureRoom(T);
        using (var dk = _keys[layer].narrow(2, Length, T)) dk.copy_(k);
        using (var dv = _values[layer].narrow(2, Length, T)) dv.copy_(v);
        return (_keys[layer].narrow(2, 0, Length + T), _values[layer].narrow(2, 0, Length + T)); // (B, nkv, S, hs)
    }

    internal void EnsureRoom(long t)
    {
        if (Length + t > Capacity)
        {
            throw new InvalidOperationException($"KV cache holds {Capacity} positions; {Length} are used and {t} more were written");
        }
    }

    /// <summary>The layer's whole key buffer (B, nkv, capacity, hs), for kernels that write it themselves.</summary>
    internal Tensor Keys(int layer) => _keys[layer];

    internal Tensor Values(int layer) => _values[layer];

    /// <summary>Called by the model once every layer has appended this call's positions.</summary>
    internal void Advance(int t) => Length += t;

    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
