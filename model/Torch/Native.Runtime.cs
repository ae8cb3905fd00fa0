using System.Runtime.InteropServices;

namespace Pipeline.Model.Torch;

/// <summary>Raw entry points of the shim (model/native/src/runtime.cpp).</summary>
internal static partial class Native
{
    private const string Lib = NativeLibraryResolver.LibraryName;

    [LibraryImport(Lib)] internal static partial IntPtr pt_last_error();
    [LibraryImport(Lib)] internal static partial IntPtr pt_version();
    [LibraryImport(Lib)] internal static partial int pt_abi_version();
    [LibraryImport(Lib)] internal static partial IntPtr pt_library_path();
    [LibraryImport(Lib)] internal static partial IntPtr pt_build_config();
    [LibraryImport(Lib)] internal static partial IntPtr pt_parallel_info();
    [LibraryImport(Lib)] internal static partial int pt_get_num_threads();
    [LibraryImport(Lib)] internal static partial int pt_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int pt_get_num_interop_threads();
    [LibraryImport(Lib)] internal static partial int pt_cuda_device_count();
    [LibraryImport(Lib)] internal static partial int pt_bench_matmul(int n, int dtype, int iters, int device, out double gflops);

    internal static string Str(IntPtr p) => Marshal.PtrToStringUTF8(p) ?? string.Empty;

    /// <summary>Throws the shim's last error when a call reported failure.</summary>
    internal static void Check(int status)
    {
        if (status != 0)
        {
            throw new TorchException(Str(pt_last_error()));
        }
    }
}
