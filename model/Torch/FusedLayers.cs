namespace Pipeline.Model.Torch;

/// <summary>
/// Whole-layer inference kernels of the shim: one native call instead of dozens, for generation
/// where autograd is off. Each is tested against the composition of single ops it replaces.
/// </summary>
public static class FusedLayers
{
    /// <summary>
    /// One pre-norm Llama decoder layer without autograd: x + attn(norm(x)), then + mlp(norm(.)).
    /// weights: input_layernorm, q, q_bias, k, k_bias, v, v_bias, o, o_bias,
    /// post_attention_layernorm, gate, gate_bias, up, up_bias, down, down_bias (biases may be null).
    /// x (B, T, C); cos, sin (B, 1, T, hs); mask (B, 1, T, start + T) bool, true = may attend;
    /// keys, values: the layer's whole cache (B, nkv, capacity, hs), positions [start, start + T)
    /// are written. Returns (B, T, C).
    /// </summary>
    public static unsafe Tensor LlamaDecoderLayer(Tensor x, Tensor cos, Tensor sin, Tensor mask, Tensor keys, Tensor values,
        long start, IReadOnlyList<Tensor?> weights, long numHeads, long numKeyValueHeads, double eps)
    {
        if (torch.is_grad_enabled())
        {
            throw new InvalidOperationException("the fused decoder layer has no backward: run it under no_grad or inference_mode");
        }
        var handles = new IntPtr[weights.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            if (weights[i] is not { } w) continue;
            ObjectDisposedException.ThrowIf(w.IsInvalid, w);
            handles[i] = w.Handle.DangerousGetHandle();
        }
        fixed (IntPtr* p = handles)
        {
            var r = Native.pt_llama_layer(x.Handle, cos.Handle, sin.Handle, mask.Handle, keys.Handle, values.Handle, start,
                p, handles.Length, numHeads, numKeyValueHeads, eps);
            GC.KeepAlive(weights);
            return new Tensor(r);
        }
    }
}
