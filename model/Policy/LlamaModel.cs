using Pipeline.Model.Torch;
using F = Pipeline.Model.Torch.torch.nn.functional;

namespace Pipeline.Model.Policy;

// The Llama-family decoder in one file, in dependency order:
//   RmsNorm -> Rotary -> Attention -> Mlp -> DecoderLayer -> LlamaModel.
// Follows the published architecture (Touvron et al. 2023, "Llama 2"; Qwen2 adds q/k/v biases):
// pre-norm residual blocks, RMSNorm, rotary position embeddings on q and k, grouped-query
// attention, SwiGLU MLP, optional lm_head tied to the token embedding.
//
// Vocabulary: B batch, T query positions in this call, S key positions (cache length after this
// call), C hidden size, nh query heads, nkv key/value heads, g = nh / nkv, hs head size, V vocab.
//
// Parameter names are exactly the Hugging Face checkpoint keys (model.layers.0.self_attn.q_proj.weight),
// so loading and saving a checkpoint is a lookup by name, with no translation table.

/// <summary>Root-mean-square layer norm: x / rms(x) * weight, the statistics in float32 for every dtype.</summary>
public sealed class RmsNorm(Tensor weight, double eps)
{
    public Tensor Forward(Tensor x) // (..., C) -> (..., C)
    {
        var xf = x.dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        var inv = xf.square().mean(-1, keepdim: true).add(eps).rsqrt(); // (..., 1)
        var normed = xf * inv;
        return (normed.dtype == weight.dtype ? normed : normed.to(weight.dtype)) * weight;
    }
}

/// <summary>Rotary position embedding (Su et al. 2021) in the "rotate half" layout Hugging Face checkpoints use.</summary>
public sealed class Rotary : IDisposable
{
    private readonly Tensor _invFreq; // (hs/2) float32

    public Rotary(LlamaConfig c, Device device)
    {
        _invFreq = torch.tensor(InverseFrequencies(c), device: device).DetachFromDisposeScope();
    }

    /// <summary>The hs/2 inverse frequencies, float32 like the reference implementations, so positions multiply out to the same angles.</summary>
    public static float[] InverseFrequencies(LlamaConfig c)
    {
        var half = c.HeadDim / 2;
        var inv = new float[half];
        for (var i = 0; i < half; i++)
        {
            var f = (float)(1.0 / Math.Pow(c.RopeTheta, 2.0 * i / c.HeadDim));
            inv[i] = c.RopeScaling is { } rs ? (float)rs.Apply(f) : f;
        }
        return inv;
    }

    /// <summary>The (hs/2) float32 inverse frequencies, for native kernels that compute the angles themselves.</summary>
    internal Tensor InverseFrequencyTensor => _invFreq;

    /// <summary>cos and sin of every (row, position) angle, shaped to broadcast over heads.</summary>
    public (Tensor Cos, Tensor Sin) Angles(Tensor positions, ScalarType dtype) // positions (B, T) int64
    {
        var freqs = positions.to(ScalarType.Float32).unsqueeze(-1) * _invFreq; // (B, T, hs/2)
        var emb = torch.cat([freqs, freqs], -1).unsqueeze(1);                  // (B, 1, T, hs)
        var cos = emb.cos();
        var sin = emb.sin();
        return dtype == ScalarType.Float32 ? (cos, sin) : (cos.to(dtype), sin.to(dtype));
    }

    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin) // x (B, n, T, hs)
    {
        var half = x.size(-1) / 2;
        var x1 = x.narrow(-1, 0, half);                       // (B, n, T, hs/2)
        var x2 = x.narrow(-1, half, half);                    // (B, n, T, hs/2)
        var rotated = torch.cat([x2.neg(), x1], -1);          // (B, n, T, hs)
        return x * cos + rotated * sin;
    }

    public void Dispose() => _invFreq.Dispose();
}

/// <summary>Causal self-attention with grouped-query heads, writing this call's K/V into the cache when one is given.</summary>
public sealed class Attention(LlamaConfig c, int layer, Tensor q_proj, Tensor? q_bias, Tensor k_proj, Tensor? k_bias,
    Tensor v_proj, Tensor? v_bias, Tensor o_proj, Tensor? o_bias)
{
    private readonly long _nh = c.NumAttentionHeads, _nkv = c.NumKeyValueHeads, _hs = c.HeadDim;

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, KvCache? cache) // x (B, T, C), mask (B, 1, T, S) bool
    {
        var (B, T) = (x.size(0), x.size(1));
        var q = F.linear(x, q_proj, q_bias).view(B, T, _nh, _hs).transpose(1, 2);  // (B, nh, T, hs)
        var k = F.linear(x, k_proj, k_bias).view(B, T, _nkv, _hs).transpose(1, 2); // (B, nkv, T, hs)
        var v = F.linear(x, v_proj, v_bias).view(B, T, _nkv, _hs).transpose(1, 2); // (B, nkv, T, hs)
        using var qRot = Rotary.Apply(q, cos, sin);
        using var kRot = Rotary.Apply(k, cos, sin);
        q.Dispose();
        k.Dispose();
        (q, k) = (qRot, kRot);
        if (cache is not null)
        {
            (k, v) = cache.Append(layer, k, v);                                    // (B, nkv, S, hs)
        }
        Tensor y;
        if (_nkv == _nh)
        {
            y = F.scaled_dot_product_attention(q, k, v, mask);                     // (B, nh, T, hs)
        }
        else
        {
            // Grouped-query attention without copying K/V per query head: the g query heads that
            // share a K/V head (consecutive in checkpoint order) become g*T queries against it.
            var g = _nh / _nkv;
            var qg = q.reshape(B, _nkv, g * T, _hs);                               // (B, nkv, g*T, hs), row j*T+t
            var mg = mask.size(2) == 1 ? mask : mask.repeat(1, 1, g, 1);           // (B, 1, g*T or 1, S)
            y = F.scaled_dot_product_attention(qg, k, v, mg).view(B, _nh, T, _hs); // (B, nh, T, hs)
        }
        y = y.transpose(1, 2).reshape(B, T, _nh * _hs);                            // (B, T, nh*hs)
        return F.linear(y, o_proj, o_bias);                                        // (B, T, C)
    }
}

/// <summary>SwiGLU feed-forward (Shazeer 2020): down(silu(gate(x)) * up(x)).</summary>
public sealed class Mlp(Tensor gate_proj, Tensor up_proj, Tensor down_proj, Tensor? gate_bias, Tensor? up_bias, Tensor? down_bias)
{
    public Tensor Forward(Tensor x) // (B, T, C) -> (B, T, C)
    {
        if (torch.is_grad_enabled())
        {
            return F.linear(F.linear(x, gate_proj, gate_bias).silu() * F.linear(x, up_proj, up_bias), down_proj, down_bias);
        }
        // Without autograd the (B, T, I) activations can be updated in place and freed as soon as
        // they are consumed: one I-wide buffer live instead of four, and warm memory reused.
        var h = F.linear(x, gate_proj, gate_bias).silu_();  // (B, T, I)
        using (var up = F.linear(x, up_proj, up_bias))      // (B, T, I)
        {
            h.mul_(up);
        }
        var y = F.linear(h, down_proj, down_bias);           // (B, T, C)
        h.Dispose();
        return y;
    }
}

/// <summary>One pre-norm block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
public sealed class DecoderLayer(RmsNorm input_layernorm, Attention self_attn, RmsNorm post_attention_layernorm, Mlp mlp)
{
    // Each half runs in its own dispose scope so its temporaries are freed before the next one
    // allocates: the allocator then reuses warm memory instead of faulting in fresh pages, which
    // costs as much as the matmuls at these sizes. (Autograd keeps what backward needs alive on its own.)
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, KvCache? cache)
    {
        Tensor h;
        using (torch.NewDisposeScope())
        {
            h = (x + self_attn.Forward(input_layernorm.Forward(x), cos, sin, mask, cache)).MoveToOuterDisposeScope();
        }
        using (torch.NewDisposeScope())
        {
            var y = (h + mlp.Forward(post_attention_layernorm.Forward(h))).MoveToOuterDisposeScope();
            h.Dispose();
            return y;
        }
    }
}

/// <summary>
/// The decoder: token ids to next-token logits. Owns its parameters (named as the Hugging Face
/// keys) and frees them on <see cref="Dispose"/>. Forward allocates its temporaries in the
/// caller's dispose scope: run it inside one.
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> _params = [];
    private readonly Tensor embed_tokens;   // (V, C)
    private readonly DecoderLayer[] layers;
    private readonly Tensor?[][] _layerWeights; // per layer, as FusedWeightNames; null where the config has no such bias

    // In the order FusedLayers.LlamaDecoderLayer takes them.
    private static readonly string[] FusedWeightNames =
    [
        "input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.q_proj.bias", "self_attn.k_proj.weight", "self_attn.k_proj.bias",
        "self_attn.v_proj.weight", "self_attn.v_proj.bias", "self_attn.o_proj.weight", "self_attn.o_proj.bias",
        "post_attention_layernorm.weight", "mlp.gate_proj.weight", "mlp.gate_proj.bias", "mlp.up_proj.weight", "mlp.up_proj.bias",
        "mlp.down_proj.weight", "mlp.down_proj.bias",
    ];
    private readonly RmsNorm norm;
    private readonly Tensor lm_head;        // (V, C); the embedding itself when tied
    private readonly Rotary _rotary;

    /// <summary>A model with uninitialised parameters: fill them by <see cref="Initialize"/> or by loading a checkpoint.</summary>
    public LlamaModel(LlamaConfig config, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        config.Validate();
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"weights must be Float32 or BFloat16, not {dtype}", nameof(dtype));
        }
        Config = config;
        DType = dtype;
        Device = device ?? Device.CPU;
        long C = config.HiddenSize, V = config.VocabSize, I = config.IntermediateSize;
        long q = config.NumAttentionHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim;
        var qkvBias = config.AttentionBias || config.QkvBias;

        embed_tokens = Param("model.embed_tokens.weight", V, C);
        layers = new DecoderLayer[config.NumHiddenLayers];
        _layerWeights = new Tensor?[config.NumHiddenLayers][];
        for (var i = 0; i < layers.Length; i++)
        {
            var p = $"model.layers.{i}.";
            var attn = new Attention(config, i,
                Param(p + "self_attn.q_proj.weight", q, C), qkvBias ? Param(p + "self_attn.q_proj.bias", q) : null,
                Param(p + "self_attn.k_proj.weight", kv, C), qkvBias ? Param(p + "self_attn.k_proj.bias", kv) : null,
                Param(p + "self_attn.v_proj.weight", kv, C), qkvBias ? Param(p + "self_attn.v_proj.bias", kv) : null,
                Param(p + "self_attn.o_proj.weight", C, q), config.AttentionBias ? Param(p + "self_attn.o_proj.bias", C) : null);
            var mlp = new Mlp(Param(p + "mlp.gate_proj.weight", I, C), Param(p + "mlp.up_proj.weight", I, C), Param(p + "mlp.down_proj.weight", C, I),
                config.MlpBias ? Param(p + "mlp.gate_proj.bias", I) : null, config.MlpBias ? Param(p + "mlp.up_proj.bias", I) : null,
                config.MlpBias ? Param(p + "mlp.down_proj.bias", C) : null);
            layers[i] = new DecoderLayer(
                new RmsNorm(Param(p + "input_layernorm.weight", C), config.RmsNormEps), attn,
                new RmsNorm(Param(p + "post_attention_layernorm.weight", C), config.RmsNormEps), mlp);
            _layerWeights[i] = [.. FusedWeightNames.Select(n => _params.FirstOrDefault(t => t.Name == p + n).Tensor)];
        }
        norm = new RmsNorm(Param("model.norm.weight", C), config.RmsNormEps);
        lm_head = config.TieWordEmbeddings ? embed_tokens : Param("lm_head.weight", V, C); // weight tying: one tensor, two roles
        _rotary = new Rotary(config, Device);
    }

    public LlamaConfig Config { get; }
    public ScalarType DType { get; }
    public Device Device { get; }

    /// <summary>
    /// Whether cached forwards without autograd run each decoder layer as one native call (the
    /// default) instead of op by op; off only to compare the two.
    /// </summary>
    public bool UseFusedLayers { get; set; } = true;

    /// <summary>
    /// fp32 on CPU: whether generation (NativeDecoder: one native call per generation) and scoring
    /// (NativeScorer: one call forward, one backward) run fused native kernels instead of op-by-op
    /// ATen, the reference path they are tested against; off only to compare the two.
    /// </summary>
    public bool UseNativeKernel { get; set; } = true;

    /// <summary>embed_tokens, model.norm, lm_head, then each layer's weights in FusedLayers order (null where no such bias).</summary>
    internal IReadOnlyList<Tensor?> DecoderWeights() =>
        [embed_tokens, _params.First(p => p.Name == "model.norm.weight").Tensor, lm_head, .. _layerWeights.SelectMany(w => w)];

    /// <summary>
    /// The weights in the order the native scorer takes them: per layer as FusedWeightNames (null
    /// where a bias is absent), then embedding, final norm, and lm_head (null when tied).
    /// </summary>
    internal IReadOnlyList<Tensor?> ScoreWeights =>
        [.. _layerWeights.SelectMany(w => w), embed_tokens, _params.First(p => p.Name == "model.norm.weight").Tensor,
            Config.TieWordEmbeddings ? null : lm_head];

    internal Tensor RotaryInverseFrequencies => _rotary.InverseFrequencyTensor;

    /// <summary>Parameters in checkpoint order, named as Hugging Face names them (a tied lm_head is not listed).</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> NamedParameters => _params;

    public IEnumerable<Tensor> Parameters() => _params.Select(p => p.Tensor);

    public long ParameterCount => _params.Sum(p => p.Tensor.numel());

    private Tensor Param(string name, params long[] shape)
    {
        var t = torch.empty(shape, DType, Device).DetachFromDisposeScope();
        t.requires_grad = true;
        _params.Add((name, t));
        return t;
    }

    /// <summary>A seeded random model: the small policies trained from scratch here.</summary>
    public static LlamaModel Create(LlamaConfig config, ulong seed, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var m = new LlamaModel(config, dtype, device);
        m.Initialize(seed);
        return m;
    }

    /// <summary>
    /// Weights ~ N(0, initializer_range), as Llama does; residual output projections (o_proj,
    /// down_proj) scaled by 1/sqrt(2L) as in GPT-2, so the residual stream's variance does not
    /// grow with depth at init; norms at 1, biases at 0. Drawn in float32 from one seeded generator
    /// in parameter order, so a seed gives the same model in either dtype.
    /// </summary>
    public void Initialize(ulong seed)
    {
        using var gen = new Generator(seed);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var std = Config.InitializerRange;
        foreach (var (name, t) in _params)
        {
            var f = torch.empty(t.shape, ScalarType.Float32);
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) f.fill_(1.0);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) f.zero_();
            else if (name.EndsWith("o_proj.weight", StringComparison.Ordinal) || name.EndsWith("down_proj.weight", StringComparison.Ordinal))
                f.normal_(0, std / Math.Sqrt(2.0 * Config.NumHiddenLayers), gen);
            else f.normal_(0, std, gen);
            t.copy_(f);
        }
    }

    /// <summary>
    /// A copy in another dtype or device: e.g. a bfloat16 rollout copy of float32 trained weights
    /// (bf16 matmuls run 2-2.5x faster on CPUs with AVX512-BF16 or AMX).
    /// </summary>
    public LlamaModel CopyAs(ScalarType dtype, Device? device = null)
    {
        var copy = new LlamaModel(Config, dtype, device ?? Device) { UseNativeKernel = UseNativeKernel };
        copy.CopyWeightsFrom(this);
        return copy;
    }

    /// <summary>Overwrites every parameter with the other model's (same config), converting dtype and device.</summary>
    public void CopyWeightsFrom(LlamaModel source)
    {
        if (source.Config != Config && source.Config with { EosTokenIds = Config.EosTokenIds } != Config)
        {
            throw new ArgumentException("the source model has a different config");
        }
        using var _ = torch.no_grad();
        foreach (var ((name, dst), (_, src)) in _params.Zip(source._params))
        {
            using var scope = torch.NewDisposeScope();
            dst.copy_(src);
        }
    }

    /// <summary>
    /// Next-token logits, float32. inputIds (B, T) int64; positions (B, T) int64, each row's own
    /// rotary positions; mask (B, 1, T, S) bool, true where a query may attend a key (see
    /// <see cref="AttentionMask"/>). With a cache, K/V of these T positions are appended to it and
    /// attention runs over everything cached. logitsFrom: logits only of positions [logitsFrom, T),
    /// (B, T - logitsFrom, V), which spares the vocabulary projection of prompt positions.
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor positions, Tensor mask, KvCache? cache = null, long logitsFrom = 0)
    {
        if (inputIds.dim() != 2 || !positions.shape.SequenceEqual(inputIds.shape))
        {
            throw new ArgumentException($"inputIds and positions must both be (B, T); got [{string.Join(", ", inputIds.shape)}] and [{string.Join(", ", positions.shape)}]");
        }
        var T = inputIds.size(1);
        var S = (cache?.Length ?? 0) + T;
        if (mask.dim() != 4 || mask.size(2) != T || mask.size(3) != S)
        {
            throw new ArgumentException($"mask must be (B, 1, {T}, {S}), got [{string.Join(", ", mask.shape)}]");
        }
        if (S > Config.MaxPositionEmbeddings)
        {
            throw new ArgumentException($"sequence of {S} positions exceeds max_position_embeddings={Config.MaxPositionEmbeddings}");
        }
        var (cos, sin) = _rotary.Angles(positions, DType);           // (B, 1, T, hs)
        var x = F.embedding(inputIds, embed_tokens);                 // (B, T, C)
        // Without autograd and with a cache (generation), each layer is one native call; the
        // layer-by-layer path below is its reference and what training runs through.
        var fused = cache is not null && UseFusedLayers && !torch.is_grad_enabled();
        if (fused) cache!.EnsureRoom(T);
        for (var i = 0; i < layers.Length; i++)
        {
            var next = fused
                ? FusedLayers.LlamaDecoderLayer(x, cos, sin, mask, cache!.Keys(i), cache.Values(i), cache.Length, _layerWeights[i],
                    Config.NumAttentionHeads, Config.NumKeyValueHeads, Config.RmsNormEps)
                : layers[i].Forward(x, cos, sin, mask, cache);
            x.Dispose(); // the residual stream is read once per layer; free it now rather than at the caller's scope end
            x = next;
        }
        cache?.Advance((int)T);
        if (logitsFrom < 0 || logitsFrom >= T)
        {
            throw new ArgumentOutOfRangeException(nameof(logitsFrom), logitsFrom, $"must be in [0, {T})");
        }
        if (logitsFrom > 0)
        {
            x = x.narrow(1, logitsFrom, T - logitsFrom);             // (B, T', C)
        }
        var logits = F.linear(norm.Forward(x), lm_head);             // (B, T, V)
        return logits.dtype == ScalarType.Float32 ? logits : logits.to(ScalarType.Float32);
    }

    /// <summary>
    /// The bool attention mask (B, 1, T, S) for queries at slots [queryStart, queryStart + T) over
    /// keys [0, S): causal, restricted to keys whose keyValid is true. A query may always see
    /// itself, so rows of padding get a finite (ignored) output instead of a softmax over nothing.
    /// </summary>
    public static Tensor AttentionMask(Tensor keyValid, long queryStart, long T) // keyValid (B, S) bool
    {
        var S = keyValid.size(1);
        var device = keyValid.device;
        var keys = torch.arange(S, ScalarType.Int64, device).unsqueeze(0);                               // (1, S)
        var queries = torch.arange(queryStart, queryStart + T, 1, ScalarType.Int64, device).unsqueeze(1); // (T, 1)
        var causal = keys.le(queries);                                                                   // (T, S)
        var self = keys.eq(queries);                                                                     // (T, S)
        return causal.logical_and(keyValid.unsqueeze(1).logical_or(self)).unsqueeze(1);                  // (B, 1, T, S)
    }

    /// <summary>Per-row positions (B, T) for slots [start, start+T) of rows whose first real token sits at padOffsets[b].</summary>
    public static Tensor Positions(Tensor padOffsets, long start, long T) // padOffsets (B) int64
    {
        var slots = torch.arange(start, start + T, 1, ScalarType.Int64, padOffsets.device).unsqueeze(0); // (1, T)
        return (slots - padOffsets.unsqueeze(1)).clamp_min(0);                                             // (B, T)
    }

    public void Dispose()
    {
        foreach (var (_, t) in _params)
        {
            t.Dispose();
        }
        _rotary.Dispose();
    }
}
