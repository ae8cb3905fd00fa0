namespace Pipeline.Model.Torch;

/// <summary>
/// Sets the calling thread's autograd recording on or off until disposed, then restores the
/// previous setting. Dispose on the opening thread (libtorch's grad mode is thread-local).
/// </summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool _previous;
    private bool _disposed;

    internal GradModeScope(bool enabled)
    {
        _previous = Native.pt_grad_enabled() != 0;
        Native.pt_set_grad_enabled(enabled ? 1 : 0);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Native.pt_set_grad_enabled(_previous ? 1 : 0);
        }
    }
}

/// <summary>
/// libtorch's inference mode (no autograd recording, no version counters) until disposed.
/// Tensors made inside cannot later take part in autograd. Dispose on the opening thread, innermost first.
/// </summary>
public sealed class InferenceModeScope : IDisposable
{
    private IntPtr _guard;

    internal InferenceModeScope() => _guard = Native.CheckHandle(Native.pt_inference_mode_enter());

    public void Dispose()
    {
        if (_guard != IntPtr.Zero)
        {
            Native.pt_inference_mode_exit(_guard);
            _guard = IntPtr.Zero;
        }
    }
}
