using Pipeline.Model.Torch;

namespace Pipeline.Model.Policy;

/// <summary>
/// <see cref="Scorer"/>'s log-probs and entropies for float32 models on the CPU in one native call
/// (model/native/src/llama_train.cpp) with a hand-written backward that autograd calls like any
/// other op's, instead of ~45 recorded ops per layer. The op-by-op path is its reference.
/// </summary>
internal static class NativeScorer
{
    /// <summary>Whether the fused scorer can run this model.</summary>
    public static bool Supports(LlamaModel model) =>
        model.UseNativeKernel && model.DType == ScalarType.Float32 && model.Device.type == DeviceType.CPU && model.Config.HeadDim % 2 == 0;

    /// <summary>
    /// ids (B, P + Tc) in Scorer's layout (prompts left-padded to P, completions right-padded to Tc);
    /// pad: each row's leading pad slots; completionLengths: each row's real completion tokens.
    /// Returns log-probs and entropies (B, Tc), 0 past each completion; with grad when grad mode is on.
    /// Rows with the same prompt tokens (a GRPO group's) share one pass over the prompt.
    /// </summary>
    public static (Tensor LogProbs, Tensor Entropies) Score(LlamaModel model, long[] ids, long[] pad, long[] completionLengths,
        int P, int Tc, double temperature) =>
        Score(model, ids, pad, completionLengths, P, Tc, temperature, out _);

    /// <inheritdoc cref="Score(LlamaModel, long[], long[], long[], int, int, double)"/>
    /// <param name="packedTokens">tokens that went through the layers: each distinct prompt once, plus
    /// all but the last token of each completion.</param>
    public static unsafe (Tensor LogProbs, Tensor Entropies) Score(LlamaModel model, long[] ids, long[] pad, long[] completionLengths,
        int P, int Tc, double temperature, out long packedTokens)
    {
        var c = model.Config;
        if (P + Tc > c.MaxPositionEmbeddings)
        {
            throw new ArgumentException($"sequence of {P + Tc} positions exceeds max_position_embeddings={c.MaxPositionEmbeddings}");
        }
        var weights = model.ScoreWeights;
        var handles = new IntPtr[weights.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            if (weights[i] is not { } w) continue;
            ObjectDisposedException.ThrowIf(w.IsInvalid, w);
            handles[i] = w.Handle.DangerousGetHandle();
        }
        fixed (long* idp = ids, padp = pad, clp = completionLengths)
        fixed (IntPtr* wp = handles)
        {
            Native.Check(Native.pt_llama_score(idp, padp, clp, pad.Length, P, Tc, wp, handles.Length, c.NumAttentionHeads,
                c.NumKeyValueHeads, c.RmsNormEps, model.RotaryInverseFrequencies.Handle, temperature, out var logp, out var entropy,
                out packedTokens));
            GC.KeepAlive(weights);
            return (new Tensor(logp), new Tensor(entropy));
        }
    }
}
