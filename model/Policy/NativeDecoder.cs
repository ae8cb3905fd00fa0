using Pipeline.Model.Torch;

namespace Pipeline.Model.Policy;

/// <summary>
/// The whole-model float32 CPU generation kernel (model/native/src/llama_decode.cpp): prompt
/// prefill, decode steps and per-row sampling in one native call over preallocated buffers and its
/// own KV cache, instead of ~100 ATen calls per decode step. Gives the tokens of the op-by-op path
/// (<see cref="LlamaModel.Forward"/> + <see cref="RowSampler"/>, or greedy argmax) and their
/// log-probs to float rounding. Holds references to the model's weights while it lives: one per
/// generation call.
/// </summary>
public sealed class NativeDecoder : IDisposable
{
    private IntPtr _handle;

    [ThreadStatic] private static bool _viaAtenMatmul;

    /// <summary>
    /// Projections through libtorch's BLAS sgemm directly (default) or through at::mm, for decoders
    /// this thread creates: a benchmark and test switch that leaves other threads' generation alone.
    /// </summary>
    public static bool UseBlas
    {
        get => !_viaAtenMatmul;
        set => _viaAtenMatmul = !value;
    }

    /// <summary>Whether the kernel can run this model: float32 weights on the CPU, and the model allows it.</summary>
    public static bool Supports(LlamaModel model) =>
        model.UseNativeKernel && model.DType == ScalarType.Float32 && model.Device.type == DeviceType.CPU;

    public unsafe NativeDecoder(LlamaModel model, int batch, int capacity, int maxPromptLength)
    {
        if (!Supports(model)) throw new ArgumentException("the native decoder runs float32 CPU models with UseNativeKernel on");
        var c = model.Config;
        var weights = model.DecoderWeights();
        var handles = new IntPtr[weights.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            if (weights[i] is not { } w) continue;
            ObjectDisposedException.ThrowIf(w.IsInvalid, w);
            handles[i] = w.Handle.DangerousGetHandle();
        }
        var inv = Rotary.InverseFrequencies(c);
        fixed (IntPtr* h = handles)
        fixed (float* f = inv)
        {
            _handle = Native.pt_decoder_new(h, handles.Length, c.NumHiddenLayers, c.NumAttentionHeads, c.NumKeyValueHeads, c.RmsNormEps, f,
                batch, capacity, maxPromptLength, UseBlas ? 1 : 0);
        }
        GC.KeepAlive(weights);
        if (_handle == IntPtr.Zero) throw new TorchException(Native.Str(Native.pt_last_error()));
    }

    /// <summary>Whether this decoder's projections call BLAS sgemm directly (false: at::mm, e.g. a libtorch without a separate BLAS).</summary>
    public bool UsesBlas => Native.pt_decoder_uses_blas(Live) == 1;

    private IntPtr Live => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(NativeDecoder));

    /// <summary>
    /// Runs steps [step0, step0 + steps) of a generation; step 0 prefills ids (B, P) left-padded by
    /// pad (B). Each step samples one token per running row into tokens/logProbs (B, maxNew) at
    /// counts[b]. state (B): 0 running, 1 stopped (stop id, or set by the caller), 2 length.
    /// uniforms (B, maxNew) as <see cref="RowSampler.Uniform"/> draws them; null when greedy.
    /// Returns the steps run (fewer once every row has finished).
    /// </summary>
    public unsafe int Run(long[] ids, int promptLength, long[] pad, SamplingOptions o, double[]? uniforms, int[] stopIds, int step0, int steps,
        byte[] state, int[] tokens, float[] logProbs, int[] counts)
    {
        var B = pad.Length;
        var maxNew = o.MaxNewTokens;
        if (ids.Length != B * promptLength || state.Length != B || counts.Length != B || tokens.Length != B * maxNew || logProbs.Length != B * maxNew
            || (uniforms is not null && uniforms.Length != B * maxNew))
        {
            throw new ArgumentException("buffer sizes do not match the batch");
        }
        if (!o.Greedy && uniforms is null) throw new ArgumentException("sampling needs one uniform per row and step");
        fixed (long* pi = ids)
        fixed (long* pp = pad)
        fixed (double* pu = uniforms)
        fixed (int* ps = stopIds)
        fixed (byte* pst = state)
        fixed (int* pt = tokens)
        fixed (float* pl = logProbs)
        fixed (int* pc = counts)
        {
            var ran = Native.pt_decoder_run(Live, pi, promptLength, pp, o.Greedy ? 1 : 0, o.Temperature, o.TopK, o.TopP, pu, ps, stopIds.Length,
                step0, steps, maxNew, pst, pt, pl, pc);
            if (ran < 0) throw new TorchException(Native.Str(Native.pt_last_error()));
            return ran;
        }
    }

    /// <summary>The kernel's own float32 and float64 exp (vectorizable, no libm call) over arrays of equal length; for tests.</summary>
    public static unsafe (float[] Single, double[] Double) Exp(float[] xf, double[] xd)
    {
        if (xf.Length != xd.Length) throw new ArgumentException("the float32 and float64 inputs differ in length");
        var (of, od) = (new float[xf.Length], new double[xd.Length]);
        fixed (float* pxf = xf, pof = of)
        fixed (double* pxd = xd, pod = od)
        {
            Native.pt_decoder_exp(pxf, pof, pxd, pod, xf.Length);
        }
        return (of, od);
    }

    public void Dispose()
    {
        if (_handle == IntPtr.Zero) return;
        Native.pt_decoder_free(_handle);
        _handle = IntPtr.Zero;
    }
}
