using System.Runtime.InteropServices;

namespace Pipeline.Model.Torch;

internal static partial class Native
{
    // llama_layer.cpp
    [LibraryImport(Lib)] internal static unsafe partial IntPtr pt_llama_layer(TensorHandle x, TensorHandle cos, TensorHandle sin,
        TensorHandle mask, TensorHandle keys, TensorHandle values, long start, IntPtr* weights, int nweights, long nh, long nkv, double eps);
}
