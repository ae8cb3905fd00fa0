namespace Pipeline.Model.Torch;

/// <summary>
/// Frees, when disposed, every tensor created on this thread while it was the innermost scope,
/// except those moved out (<see cref="Tensor.MoveToOuterDisposeScope"/>) or detached
/// (<see cref="Tensor.DetachFromDisposeScope"/>). Scopes are per thread: keep tensor work
/// synchronous inside one (no <c>await</c>), as with TorchSharp.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? t_current;

    private readonly List<Tensor> _tensors = [];
    private bool _disposed;

    internal DisposeScope()
    {
        Outer = t_current;
        t_current = this;
    }

    /// <summary>The innermost scope of the calling thread, or null.</summary>
    public static DisposeScope? Current => t_current;

    /// <summary>The scope that was innermost when this one was opened.</summary>
    public DisposeScope? Outer { get; }

    /// <summary>Tensors this scope will free (those moved out or already freed excluded).</summary>
    public int Count => _tensors.Count(t => ReferenceEquals(t.Scope, this) && !t.IsInvalid);

    internal static void Register(Tensor t)
    {
        var s = t_current;
        if (s is not null)
        {
            t.Scope = s;
            s._tensors.Add(t);
        }
    }

    /// <summary>Hands <paramref name="t"/> to <paramref name="target"/> (null: to no scope).</summary>
    internal static void Move(Tensor t, DisposeScope? target)
    {
        t.Scope = target;
        if (target is not null)
        {
            ObjectDisposedException.ThrowIf(target._disposed, target);
            target._tensors.Add(t);
        }
    }

    /// <summary>Frees every tensor of this scope except <paramref name="keep"/>, which stay in it.</summary>
    public void DisposeEverythingBut(params Tensor[] keep)
    {
        var kept = new List<Tensor>(keep.Length);
        foreach (var t in _tensors)
        {
            if (!ReferenceEquals(t.Scope, this))
            {
                continue;
            }

            if (Array.IndexOf(keep, t) >= 0)
            {
                kept.Add(t);
            }
            else
            {
                t.Scope = null;
                t.Dispose();
            }
        }

        _tensors.Clear();
        _tensors.AddRange(kept);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (!ReferenceEquals(t_current, this))
        {
            throw new InvalidOperationException(
                "A DisposeScope must be disposed on the thread that opened it, innermost first.");
        }

        _disposed = true;
        t_current = Outer;
        // Membership is checked through Tensor.Scope rather than by removal from the list, which
        // makes moving a tensor out O(1).
        foreach (var t in _tensors)
        {
            if (ReferenceEquals(t.Scope, this))
            {
                t.Scope = null;
                t.Dispose();
            }
        }

        _tensors.Clear();
    }
}
