namespace Pipeline.Model.Torch;

#pragma warning disable CS8981 // Lower-case names follow TorchSharp.

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Stateless layers and losses, as torch.nn.functional.</summary>
        public static class functional
        {
            /// <summary>y = x Wᵀ (+ b). weight is (out, in).</summary>
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
                new(Native.pt_linear(input.Handle, weight.Handle, bias?.Handle ?? TensorHandle.Null));

            public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) =>
                new(Native.pt_softmax(input.Handle, dim, 0, dtype is null ? -1 : (int)dtype));

            public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) =>
                new(Native.pt_softmax(input.Handle, dim, 1, dtype is null ? -1 : (int)dtype));

            public static Tensor silu(Tensor input) => input.silu();

            public static Tensor gelu(Tensor input, string approximate = "none") => input.gelu(approximate);

            public static Tensor relu(Tensor input) => input.relu();

            /// <summary>Rows of weight (num_embeddings, dim) picked by integer indices.</summary>
            public static Tensor embedding(Tensor input, Tensor weight) => new(Native.pt_embedding(weight.Handle, input.Handle));

            public static Tensor one_hot(Tensor input, long num_classes = -1) => new(Native.pt_one_hot(input.Handle, num_classes));

            /// <summary>Cross-entropy of logits (N, C) against class indices (N); reduction "mean", "sum" or "none".</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, long ignore_index = -100, string reduction = "mean") =>
                new(Native.pt_cross_entropy(input.Handle, target.Handle, ignore_index, reduction switch
                {
                    "none" => 0,
                    "mean" => 1,
                    "sum" => 2,
                    _ => throw new ArgumentException($"reduction must be none, mean or sum, not '{reduction}'", nameof(reduction)),
                }));

            /// <summary>Whether this libtorch has a fused attention kernel (else the explicit path runs).</summary>
            public static bool has_fused_attention => Native.pt_has_fused_attention() != 0;

            /// <summary>
            /// softmax(q kᵀ / √d + mask) v over (..., L, d) queries and (..., S, d) keys and values.
            /// attn_mask is bool (true: may attend) or float (added to the scores). Uses libtorch's
            /// fused kernel where it has one, else the explicit matmul + masked softmax.
            /// </summary>
            public static Tensor scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask = null,
                bool is_causal = false) => scaled_dot_product_attention(query, key, value, attn_mask, is_causal, AttentionPath.Auto);

            /// <summary>As above, with the implementation chosen; Fused throws where libtorch has none.</summary>
            public static Tensor scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask,
                bool is_causal, AttentionPath path) =>
                new(Native.pt_attention(query.Handle, key.Handle, value.Handle, attn_mask?.Handle ?? TensorHandle.Null,
                    is_causal ? 1 : 0, (int)path));
        }

        public static class utils
        {
            /// <summary>
            /// Scales the gradients so that their global L2 norm is at most max_norm; returns the
            /// norm before clipping. Parameters without a gradient are skipped.
            /// </summary>
            public static unsafe double clip_grad_norm_(IReadOnlyList<Tensor> parameters, double max_norm)
            {
                var handles = Handles(parameters);
                fixed (IntPtr* p = handles)
                {
                    Native.Check(Native.pt_clip_grad_norm(p, handles.Length, max_norm, out var norm));
                    GC.KeepAlive(parameters);
                    return norm;
                }
            }
        }
    }
}

/// <summary>Which attention implementation runs: the choice is exposed so both can be tested against each other.</summary>
public enum AttentionPath
{
    /// <summary>Fused where libtorch has it, else explicit.</summary>
    Auto = 0,
    Explicit = 1,
    Fused = 2,
}

public static partial class torch
{
    public static class optim
    {
        /// <summary>Creates an AdamW optimizer over the parameters.</summary>
        public static Optim.AdamW AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0.01) =>
            new(parameters, lr, beta1, beta2, eps, weight_decay);
    }
}
