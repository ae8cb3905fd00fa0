using System.Runtime.InteropServices;

namespace Pipeline.Model.Torch;

/// <summary>Owns one native at::Tensor; releasing it drops this reference to the storage.</summary>
internal sealed class TensorHandle : SafeHandle
{
    /// <summary>A never-released null handle, passed where an optional tensor is absent.</summary>
    internal static readonly TensorHandle Null = new(IntPtr.Zero, ownsHandle: false);

    private static long s_live;

    internal TensorHandle(IntPtr handle, bool ownsHandle = true) : base(IntPtr.Zero, ownsHandle)
    {
        SetHandle(handle);
        if (ownsHandle)
        {
            Interlocked.Increment(ref s_live);
        }
    }

    /// <summary>Native tensors currently owned by .NET (not yet disposed or finalized).</summary>
    internal static long Live => Interlocked.Read(ref s_live);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Native.pt_free(handle);
        Interlocked.Decrement(ref s_live);
        return true;
    }
}

/// <summary>Owns one native at::Generator.</summary>
internal sealed class GeneratorHandle : SafeHandle
{
    internal static readonly GeneratorHandle Null = new(IntPtr.Zero, ownsHandle: false);

    internal GeneratorHandle(IntPtr handle, bool ownsHandle = true) : base(IntPtr.Zero, ownsHandle) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Native.pt_generator_free(handle);
        return true;
    }
}
