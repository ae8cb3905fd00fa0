namespace Pipeline.Model.Torch;

/// <summary>
/// An explicit random stream: draws through it are reproducible whatever else the process
/// samples, unlike the global generator.
/// </summary>
public sealed class Generator : IDisposable
{
    public Generator(ulong seed, Device? device = null)
    {
        var d = device ?? Device.CPU;
        Handle = new GeneratorHandle(Native.CheckHandle(Native.pt_generator_new(seed, (int)d.type, d.NativeIndex)));
        this.device = d;
    }

    internal GeneratorHandle Handle { get; }

    public Device device { get; }

    public Generator manual_seed(ulong seed)
    {
        Native.Check(Native.pt_generator_manual_seed(Handle, seed));
        return this;
    }

    public ulong initial_seed()
    {
        Native.Check(Native.pt_generator_initial_seed(Handle, out var seed));
        return seed;
    }

    /// <summary>The full generator state as a byte tensor, for checkpoints.</summary>
    public Tensor get_state() => new(Native.pt_generator_get_state(Handle));

    public void set_state(Tensor state) => Native.Check(Native.pt_generator_set_state(Handle, state.Handle));

    public void Dispose() => Handle.Dispose();
}
