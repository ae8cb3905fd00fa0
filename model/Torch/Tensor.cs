using System.Runtime.InteropServices;

namespace Pipeline.Model.Torch;

/// <summary>
/// A libtorch tensor. Each instance owns one native reference through a SafeHandle; views and
/// results are new instances. Dispose it, or create it inside a <see cref="DisposeScope"/>:
/// the finalizer is only a safety net.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;

    internal Tensor(IntPtr handle)
    {
        _handle = new TensorHandle(Native.CheckHandle(handle));
        DisposeScope.Register(this);
    }

    internal DisposeScope? Scope { get; set; }

    internal TensorHandle Handle => _handle;

    /// <summary>True once disposed.</summary>
    public bool IsInvalid => _handle.IsClosed;

    public void Dispose() => _handle.Dispose();

    // ---- dispose scopes ------------------------------------------------------------------------

    /// <summary>Moves this tensor to the scope enclosing its current one (or to none); returns it.</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        if (Scope is { } s)
        {
            DisposeScope.Move(this, s.Outer);
        }

        return this;
    }

    /// <summary>Takes this tensor out of every scope: the caller now disposes it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope = null;
        return this;
    }

    // ---- queries -------------------------------------------------------------------------------

    public long[] shape
    {
        get
        {
            Span<long> buffer = stackalloc long[16];
            int n;
            unsafe
            {
                fixed (long* p = buffer)
                {
                    n = Native.pt_shape(_handle, p, buffer.Length);
                }
            }

            if (n < 0)
            {
                throw new TorchException(Native.Str(Native.pt_last_error()));
            }

            if (n <= buffer.Length)
            {
                return buffer[..n].ToArray();
            }

            var big = new long[n];
            unsafe
            {
                fixed (long* p = big)
                {
                    Native.pt_shape(_handle, p, n);
                }
            }

            return big;
        }
    }

    public long size(long dim)
    {
        var s = shape;
        var d = dim < 0 ? dim + s.Length : dim;
        if (d < 0 || d >= s.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"tensor has {s.Length} dimensions");
        }

        return s[d];
    }

    public long[] stride()
    {
        var result = new long[Math.Max(dim(), 1)];
        unsafe
        {
            fixed (long* p = result)
            {
                var n = Native.pt_strides(_handle, p, result.Length);
                return result[..n];
            }
        }
    }

    public int dim() => Native.pt_dim(_handle);

    public long numel() => Native.pt_numel(_handle);

    public int Dimensions => dim();

    public ScalarType dtype => (ScalarType)Native.pt_dtype(_handle);

    public Device device
    {
        get
        {
            var type = (DeviceType)Native.pt_device_type(_handle);
            return type == DeviceType.CPU ? Device.CPU : new Device(type, Native.pt_device_index(_handle));
        }
    }

    public bool is_contiguous() => Native.pt_is_contiguous(_handle) != 0;

    /// <summary>libtorch's printout of the values.</summary>
    public string ToString(bool withValues)
    {
        if (!withValues)
        {
            return ToString();
        }

        var p = Native.pt_to_string(_handle);
        if (p == IntPtr.Zero)
        {
            throw new TorchException(Native.Str(Native.pt_last_error()));
        }

        return Native.Str(p);
    }

    public override string ToString() =>
        IsInvalid ? "Tensor(disposed)" : $"Tensor[{string.Join(", ", shape)}] {dtype} {device}";

    // ---- data out ------------------------------------------------------------------------------

    /// <summary>
    /// Copies the elements in row-major order. <typeparamref name="T"/> must match the dtype
    /// (<see cref="ushort"/> for bfloat16 bits); convert with <see cref="to(ScalarType, bool)"/> first otherwise.
    /// </summary>
    public T[] data<T>() where T : unmanaged
    {
        var result = new T[checked((int)numel())];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>The elements as float, whatever the floating or integer dtype.</summary>
    public float[] ToSingleArray()
    {
        if (dtype == ScalarType.Float32)
        {
            return data<float>();
        }

        using var f = to(ScalarType.Float32);
        return f.data<float>();
    }

    public void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var expected = ScalarTypeExtensions.Of<T>();
        if (expected != dtype)
        {
            throw new ArgumentException($"tensor is {dtype}, the destination holds {typeof(T).Name} ({expected})");
        }

        var bytes = MemoryMarshal.AsBytes(destination);
        unsafe
        {
            fixed (byte* p = bytes)
            {
                Native.Check(Native.pt_copy_out(_handle, p, bytes.Length));
            }
        }
    }

    /// <summary>The single element, converted to <typeparamref name="T"/>.</summary>
    public T item<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(bool))
        {
            Native.Check(Native.pt_item_long(_handle, out var l));
            return typeof(T) == typeof(long) ? (T)(object)l
                : typeof(T) == typeof(int) ? (T)(object)checked((int)l)
                : (T)(object)(l != 0);
        }

        Native.Check(Native.pt_item_double(_handle, out var d));
        return typeof(T) == typeof(double) ? (T)(object)d
            : typeof(T) == typeof(float) ? (T)(object)(float)d
            : typeof(T) == typeof(Half) ? (T)(object)(Half)d
            : throw new NotSupportedException($"item<{typeof(T).Name}>");
    }

    public float ToSingle() => item<float>();

    public double ToDouble() => item<double>();

    public long ToInt64() => item<long>();

    public bool ToBoolean() => item<bool>();

    // ---- conversions ---------------------------------------------------------------------------

    /// <summary>A tensor of another dtype; with copy false the same tensor comes back (as a new handle) when nothing changes.</summary>
    public Tensor to(ScalarType type, bool copy = false)
    {
        var r = new Tensor(Native.pt_to_dtype(_handle, (int)type));
        if (!copy)
        {
            return r;
        }

        using (r)
        {
            return r.clone();
        }
    }

    public Tensor to(Device target) => new(Native.pt_to_device(_handle, (int)target.type, target.NativeIndex));

    public Tensor to(string target) => to(Device.Parse(target));

    public Tensor cpu() => to(Device.CPU);

    public Tensor cuda(int index = 0) => to(new Device(DeviceType.CUDA, index));

    public Tensor contiguous() => new(Native.pt_contiguous(_handle));

    public Tensor clone() => new(Native.pt_clone(_handle));

    public Tensor detach() => new(Native.pt_detach(_handle));

    /// <summary>A second owner of the same tensor, e.g. to return an input from a scope.</summary>
    public Tensor alias() => new(Native.pt_alias(_handle));

    public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false)
    {
        Native.Check(Native.pt_allclose(_handle, other._handle, rtol, atol, equal_nan ? 1 : 0, out var r));
        return r != 0;
    }

    /// <summary>Same shape and exactly the same values.</summary>
    public bool equal(Tensor other)
    {
        Native.Check(Native.pt_equal(_handle, other._handle, out var r));
        return r != 0;
    }
}
