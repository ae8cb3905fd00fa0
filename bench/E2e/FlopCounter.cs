namespace Pipeline.Bench.E2e;

/// <summary>
/// Model FLOPs of a Llama decoder (multiply-adds count 2): every linear layer, the tied or untied
/// head where logits are taken, and the attention products (QK^T and AV, 4·keys·head_dim per
/// head per layer). Padding and recomputation are not counted, so two implementations of the same
/// work get the same count and the achieved rate is comparable. Training counts forward + backward
/// as three forwards.
/// </summary>
public sealed record FlopCounter(int Vocab, int Dim, int Hidden, int Layers, int Heads, int KvHeads)
{
    public int HeadDim => Dim / Heads;

    /// <summary>Weights of the linear layers of all blocks: q, k, v, o, gate, up, down.</summary>
    public long LayerParams => (long)Layers * ((2L * Dim * Heads * HeadDim) + (2L * Dim * KvHeads * HeadDim) + (3L * Dim * Hidden));

    public long HeadParams => (long)Vocab * Dim;

    /// <summary>Attention FLOPs of one token attending <paramref name="keys"/> positions, all layers.</summary>
    public double Attention(long keys) => 4.0 * Layers * Heads * HeadDim * keys;

    /// <summary>Forward FLOPs through the blocks of positions 0..n−1 (causal: position t attends t+1 keys).</summary>
    public double Blocks(long n) => (2.0 * LayerParams * n) + Attention(n * (n + 1) / 2);

    /// <summary>Sampling <paramref name="completion"/> tokens after a prompt: the prompt and all but
    /// the last sampled token pass through the blocks, and the head runs once per sampled token.</summary>
    public double Generation(int prompt, int completion) =>
        completion <= 0 ? 0 : Blocks(prompt + completion - 1) + (2.0 * HeadParams * completion);

    /// <summary>One training pass over prompt + completion with logits at the completion's positions: 3 × forward.</summary>
    public double Training(int prompt, int completion) =>
        3.0 * (Blocks(prompt + completion) + (2.0 * HeadParams * completion));
}
