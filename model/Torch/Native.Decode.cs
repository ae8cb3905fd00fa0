using System.Runtime.InteropServices;

namespace Pipeline.Model.Torch;

internal static partial class Native
{
    // llama_decode.cpp
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_decoder_new(IntPtr* weights, int nweights, long layers, long nh, long nkv,
        double eps, float* invFreq, long batch, long capacity, long maxPromptLength, int useBlas);
    [LibraryImport(Lib)] internal static partial void pt_decoder_free(IntPtr decoder);
    [LibraryImport(Lib)] internal static unsafe partial int pt_decoder_run(IntPtr decoder, long* ids, long promptLength, long* pad, int greedy,
        double temperature, long topK, double topP, double* uniforms, int* stopIds, int nstop, int step0, int nsteps, int maxNew,
        byte* state, int* tokens, float* logprobs, int* counts);
    [LibraryImport(Lib)] internal static partial int pt_decoder_uses_blas(IntPtr decoder);
    [LibraryImport(Lib)] internal static unsafe partial void pt_decoder_exp(float* xf, float* outf, double* xd, double* outd, long n);
}
