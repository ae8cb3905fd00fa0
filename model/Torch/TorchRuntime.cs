namespace Pipeline.Model.Torch;

/// <summary>Process-wide facts and settings of the loaded libtorch.</summary>
public static class TorchRuntime
{
    /// <summary>The C ABI revision this assembly was written against; a stale shim is rebuilt.</summary>
    public const int AbiVersion = 7;

    public static string Version => Native.Str(Native.pt_version());

    /// <summary>The libtorch file actually loaded into this process.</summary>
    public static string LibraryPath => Native.Str(Native.pt_library_path());

    /// <summary>libtorch's own build summary (BLAS, CPU capability, compiler).</summary>
    public static string BuildConfig => Native.Str(Native.pt_build_config());

    public static string ParallelInfo => Native.Str(Native.pt_parallel_info());

    public static int NativeAbiVersion => Native.pt_abi_version();

    public static int IntraOpThreads
    {
        get => Native.pt_get_num_threads();
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Native.Check(Native.pt_set_num_threads(value));
        }
    }

    public static int InterOpThreads => Native.pt_get_num_interop_threads();

    public static int CudaDeviceCount => Native.pt_cuda_device_count();

    /// <summary>
    /// Tensors owned by .NET and not yet freed. A loop that returns this to the same value after
    /// each iteration frees its temporaries deterministically, without the finalizer.
    /// </summary>
    public static long LiveTensors => TensorHandle.Live;

    /// <summary>Every device this process can compute on: "cpu", then "cuda:0", "cuda:1", ...</summary>
    public static IReadOnlyList<string> Devices =>
        [.. Enumerable.Range(0, CudaDeviceCount).Select(i => $"cuda:{i}").Prepend("cpu")];

    /// <summary>
    /// The matrix-product rate measured inside libtorch (C++ timing loop), in GFLOP/s.
    /// <paramref name="cudaDevice"/> is -1 for the CPU.
    /// </summary>
    public static double MeasureMatmulGflops(int n, MatmulType type, int iterations, int cudaDevice = -1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        Native.Check(Native.pt_bench_matmul(n, (int)type, iterations, cudaDevice, out var gflops));
        return gflops;
    }

    /// <summary>
    /// Nanoseconds per out-of-place <paramref name="op"/> of a and b, timed by a C++ loop inside
    /// the shim: the cost of the same libtorch call with no .NET in between, against which the
    /// binding's per-call overhead is measured.
    /// </summary>
    public static double TimeNativeLoop(NativeLoopOp op, Tensor a, Tensor b, int iterations)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        Native.Check(Native.pt_bench_loop((int)op, a.Handle, b.Handle, iterations, out var ns));
        return ns;
    }
}

/// <summary>The ops <see cref="TorchRuntime.TimeNativeLoop"/> can time.</summary>
public enum NativeLoopOp
{
    Add = 0,
    Matmul = 1,
}

public enum MatmulType
{
    Float32 = 0,
    BFloat16 = 1,
}
