namespace Pipeline.Model.Torch;

// Gradient flags, backward and gradient access.
public sealed partial class Tensor
{
    public bool requires_grad
    {
        get => Native.pt_requires_grad(_handle) != 0;
        set => Native.Check(Native.pt_set_requires_grad(_handle, value ? 1 : 0));
    }

    public Tensor requires_grad_(bool requires = true)
    {
        requires_grad = requires;
        return this;
    }

    public bool is_leaf => Native.pt_is_leaf(_handle) != 0;

    /// <summary>
    /// The accumulated gradient as a new handle (registered in the current dispose scope), or null
    /// when none exists. Setting null clears it.
    /// </summary>
    public Tensor? grad
    {
        get
        {
            Native.Check(Native.pt_grad(_handle, out var g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set => Native.Check(Native.pt_set_grad(_handle, value?._handle ?? TensorHandle.Null));
    }

    /// <summary>Backpropagates from a scalar.</summary>
    public void backward() => Native.Check(Native.pt_backward(_handle, TensorHandle.Null, 0, 0));

    /// <summary>Backpropagates with an explicit output gradient (same shape as this tensor).</summary>
    public void backward(Tensor? gradient, bool retain_graph = false, bool create_graph = false) =>
        Native.Check(Native.pt_backward(_handle, gradient?._handle ?? TensorHandle.Null, retain_graph ? 1 : 0, create_graph ? 1 : 0));

    /// <summary>Zeroes the gradient in place, or drops it (set_to_none), as optimizers do.</summary>
    public void zero_grad(bool set_to_none = true) => Native.Check(Native.pt_zero_grad(_handle, set_to_none ? 1 : 0));

    /// <summary>Keeps the gradient of a non-leaf tensor after backward.</summary>
    public Tensor retain_grad()
    {
        Native.Check(Native.pt_retain_grad(_handle));
        return this;
    }
}
