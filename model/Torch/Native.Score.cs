using System.Runtime.InteropServices;

namespace Pipeline.Model.Torch;

internal static partial class Native
{
    // llama_train.cpp
    [LibraryImport(Lib)] internal static unsafe partial int pt_llama_score(long* ids, long* pad, long* clen, long B, long P, long Tc,
        IntPtr* weights, int nweights, long nh, long nkv, double eps, TensorHandle invFreq, double temperature,
        out IntPtr logp, out IntPtr entropy, out long packed);
}
