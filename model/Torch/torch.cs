using System.Runtime.InteropServices;

namespace Pipeline.Model.Torch;

#pragma warning disable CS8981 // Lower-case names follow TorchSharp (torch.zeros, torch.nn.functional), so that a move to it stays mechanical.

/// <summary>Tensor creation and process-wide switches, named as in TorchSharp.</summary>
public static partial class torch
{
    public static readonly Device CPU = Device.CPU;

    public static Device device(string name) => Device.Parse(name);

    public static Device device(DeviceType type, int index = -1) => new(type, index);

    // ---- creation ------------------------------------------------------------------------------

    private static unsafe Tensor Fill(int kind, ReadOnlySpan<long> size, double value, ScalarType? dtype, Device? device, bool requires_grad)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = size)
        {
            return new Tensor(Native.pt_fill_new(kind, p, size.Length, value, (int)(dtype ?? ScalarType.Float32),
                (int)d.type, d.NativeIndex, requires_grad ? 1 : 0));
        }
    }

    public static Tensor zeros(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Fill(0, size, 0, dtype, device, requires_grad);

    public static Tensor ones(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Fill(1, size, 0, dtype, device, requires_grad);

    public static Tensor full(ReadOnlySpan<long> size, double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Fill(2, size, value, dtype, device, requires_grad);

    /// <summary>Uninitialised memory: every element must be written before it is read.</summary>
    public static Tensor empty(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Fill(3, size, 0, dtype, device, requires_grad);

    public static Tensor zeros_like(Tensor t, ScalarType? dtype = null, bool requires_grad = false) =>
        zeros(t.shape, dtype ?? t.dtype, t.device, requires_grad);

    public static Tensor ones_like(Tensor t, ScalarType? dtype = null, bool requires_grad = false) =>
        ones(t.shape, dtype ?? t.dtype, t.device, requires_grad);

    public static Tensor full_like(Tensor t, double value, ScalarType? dtype = null) =>
        full(t.shape, value, dtype ?? t.dtype, t.device);

    private static unsafe Tensor Random(int kind, ReadOnlySpan<long> size, ScalarType? dtype, Device? device, Generator? generator, bool requires_grad)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = size)
        {
            return new Tensor(Native.pt_rand_new(kind, p, size.Length, (int)(dtype ?? ScalarType.Float32), (int)d.type,
                d.NativeIndex, generator?.Handle ?? GeneratorHandle.Null, requires_grad ? 1 : 0));
        }
    }

    /// <summary>Uniform draws in [0, 1), from <paramref name="generator"/> or the global one.</summary>
    public static Tensor rand(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, Generator? generator = null, bool requires_grad = false) =>
        Random(0, size, dtype, device, generator, requires_grad);

    /// <summary>Standard normal draws, from <paramref name="generator"/> or the global one.</summary>
    public static Tensor randn(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, Generator? generator = null, bool requires_grad = false) =>
        Random(1, size, dtype, device, generator, requires_grad);

    /// <summary>Integers drawn uniformly from [low, high).</summary>
    public static unsafe Tensor randint(long low, long high, ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, Generator? generator = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* p = size)
        {
            return new Tensor(Native.pt_randint_new(low, high, p, size.Length, (int)(dtype ?? ScalarType.Int64), (int)d.type,
                d.NativeIndex, generator?.Handle ?? GeneratorHandle.Null));
        }
    }

    /// <summary>[start, end) in steps; Int64 by default, as torch.arange with integer bounds.</summary>
    public static Tensor arange(long start, long end, long step = 1, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(Native.pt_arange(start, end, step, (int)(dtype ?? ScalarType.Int64), (int)d.type, d.NativeIndex));
    }

    public static Tensor arange(long end, ScalarType? dtype = null, Device? device = null) => arange(0, end, 1, dtype, device);

    public static Tensor arange(double start, double end, double step, ScalarType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(Native.pt_arange(start, end, step, (int)(dtype ?? ScalarType.Float32), (int)d.type, d.NativeIndex));
    }

    /// <summary>
    /// A tensor holding a copy of <paramref name="data"/> in row-major order. The element type
    /// picks the dtype (float: Float32, long: Int64, int: Int32, bool: Bool, Half: Float16,
    /// ushort: BFloat16 bits, ...); a different <paramref name="dtype"/> converts after the copy.
    /// Without <paramref name="shape"/> the tensor is 1-D (even of one element: use
    /// <see cref="scalar_tensor"/> for a 0-dimensional one).
    /// </summary>
    public static unsafe Tensor tensor<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape = default, ScalarType? dtype = null,
        Device? device = null, bool requires_grad = false) where T : unmanaged
    {
        var source = ScalarTypeExtensions.Of<T>();
        var target = dtype ?? source;
        ReadOnlySpan<long> dims = shape.IsEmpty ? [data.Length] : shape;
        var bytes = MemoryMarshal.AsBytes(data);
        var d = device ?? Device.CPU;
        Tensor made;
        fixed (byte* p = bytes)
        fixed (long* s = dims)
        {
            made = new Tensor(Native.pt_from_data(p, bytes.Length, s, dims.Length, (int)source, (int)d.type, d.NativeIndex,
                requires_grad && target == source ? 1 : 0));
        }

        if (target == source)
        {
            return made;
        }

        using (made)
        {
            var converted = made.to(target);
            if (requires_grad)
            {
                converted.requires_grad = true;
            }

            return converted;
        }
    }

    public static Tensor tensor<T>(T[] data, ReadOnlySpan<long> shape = default, ScalarType? dtype = null, Device? device = null,
        bool requires_grad = false) where T : unmanaged =>
        tensor<T>(data.AsSpan(), shape, dtype, device, requires_grad);

    /// <summary>A 0-dimensional tensor.</summary>
    public static Tensor scalar_tensor(double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        full([], value, dtype, device);

    // ---- joins and selection -------------------------------------------------------------------

    public static unsafe Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = Handles(tensors);
        fixed (IntPtr* p = handles)
        {
            var r = Native.pt_cat(p, handles.Length, dim);
            GC.KeepAlive(tensors);
            return new Tensor(r);
        }
    }

    public static unsafe Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var handles = Handles(tensors);
        fixed (IntPtr* p = handles)
        {
            var r = Native.pt_stack(p, handles.Length, dim);
            GC.KeepAlive(tensors);
            return new Tensor(r);
        }
    }

    internal static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            var h = tensors[i].Handle;
            ObjectDisposedException.ThrowIf(h.IsClosed, tensors[i]);
            handles[i] = h.DangerousGetHandle();
        }

        return handles;
    }

    /// <summary>Elements of x where condition is true, else of y (broadcast).</summary>
    public static Tensor where(Tensor condition, Tensor x, Tensor y) => new(Native.pt_where(condition.Handle, x.Handle, y.Handle));

    /// <summary>Draws n category indices per row of (unnormalised, non-negative) probs.</summary>
    public static Tensor multinomial(Tensor probs, long num_samples, bool replacement = false, Generator? generator = null) =>
        new(Native.pt_multinomial(probs.Handle, num_samples, replacement ? 1 : 0, generator?.Handle ?? GeneratorHandle.Null));

    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);

    public static Tensor triu(Tensor t, long diagonal = 0) => t.triu(diagonal);

    public static Tensor tril(Tensor t, long diagonal = 0) => t.tril(diagonal);

    // ---- modes, seeds and threads --------------------------------------------------------------

    /// <summary>Opens a dispose scope on this thread: see <see cref="DisposeScope"/>.</summary>
    public static DisposeScope NewDisposeScope() => new();

    public static GradModeScope no_grad() => new(false);

    public static GradModeScope enable_grad() => new(true);

    public static InferenceModeScope inference_mode() => new();

    public static bool is_grad_enabled() => Native.pt_grad_enabled() != 0;

    public static bool is_inference_mode_enabled() => Native.pt_is_inference_mode() != 0;

    /// <summary>Seeds the global generators (CPU and every CUDA device).</summary>
    public static void manual_seed(ulong seed) => Native.Check(Native.pt_manual_seed(seed));

    /// <summary>Makes libtorch pick deterministic kernels, and fail on ops that have none.</summary>
    public static void use_deterministic_algorithms(bool mode) => Native.Check(Native.pt_set_deterministic(mode ? 1 : 0));

    public static bool are_deterministic_algorithms_enabled() => Native.pt_get_deterministic() != 0;

    public static void set_num_threads(int threads) => TorchRuntime.IntraOpThreads = threads;

    public static int get_num_threads() => TorchRuntime.IntraOpThreads;

    public static class cuda
    {
        public static bool is_available() => TorchRuntime.CudaDeviceCount > 0;

        public static int device_count() => TorchRuntime.CudaDeviceCount;
    }
}
