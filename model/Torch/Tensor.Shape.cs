namespace Pipeline.Model.Torch;

// Views, reshapes, joins and indexing.
public sealed partial class Tensor
{
    private unsafe Tensor WithDims(delegate*<TensorHandle, long*, int, IntPtr> f, ReadOnlySpan<long> dims)
    {
        fixed (long* p = dims)
        {
            return new(f(_handle, p, dims.Length));
        }
    }

    public unsafe Tensor view(params long[] shape) => WithDims(&Native.pt_view, shape);
    public unsafe Tensor reshape(params long[] shape) => WithDims(&Native.pt_reshape, shape);
    public unsafe Tensor permute(params long[] order) => WithDims(&Native.pt_permute, order);
    public unsafe Tensor expand(params long[] shape) => WithDims(&Native.pt_expand, shape);
    public unsafe Tensor repeat(params long[] repeats) => WithDims(&Native.pt_repeat, repeats);

    public Tensor repeat_interleave(long repeats, long dim) => new(Native.pt_repeat_interleave(_handle, repeats, dim));
    public Tensor transpose(long dim0, long dim1) => new(Native.pt_transpose(_handle, dim0, dim1));

    /// <summary>The transpose of a 2-D tensor.</summary>
    public Tensor t() => transpose(0, 1);

    public Tensor unsqueeze(long dim) => new(Native.pt_unsqueeze(_handle, dim));
    public Tensor squeeze(long dim) => new(Native.pt_squeeze(_handle, dim, 1));
    public Tensor squeeze() => new(Native.pt_squeeze(_handle, 0, 0));
    public Tensor flatten(long start_dim = 0, long end_dim = -1) => new(Native.pt_flatten(_handle, start_dim, end_dim));
    public Tensor narrow(long dim, long start, long length) => new(Native.pt_narrow(_handle, dim, start, length));

    /// <summary>this[..., start:end:step, ...] along dim; end past the size is clipped, as in Python.</summary>
    public Tensor slice(long dim, long start, long end, long step = 1) => new(Native.pt_slice(_handle, dim, start, end, step));

    /// <summary>The sub-tensor at index along dim (that dimension removed).</summary>
    public Tensor select(long dim, long index) => new(Native.pt_select(_handle, dim, index));

    /// <summary>this[index] along the first dimension.</summary>
    public Tensor this[long index] => select(0, index);

    /// <summary>Splits along dim into parts of the given sizes.</summary>
    public unsafe Tensor[] split(long[] sizes, long dim = 0)
    {
        var handles = new IntPtr[sizes.Length];
        fixed (long* s = sizes)
        fixed (IntPtr* h = handles)
        {
            Native.Check(Native.pt_split(_handle, s, sizes.Length, dim, h));
        }

        return [.. handles.Select(h => new Tensor(h))];
    }

    /// <summary>Splits along dim into parts of size (the last may be smaller).</summary>
    public Tensor[] split(long size, long dim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var total = this.size(dim);
        var sizes = new long[(total + size - 1) / size];
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = Math.Min(size, total - i * size);
        }

        return split(sizes, dim);
    }

    /// <summary>Splits along dim into <paramref name="chunks"/> parts, as torch.chunk does.</summary>
    public Tensor[] chunk(long chunks, long dim = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
        var total = size(dim);
        return split(Math.Max(1, (total + chunks - 1) / chunks), dim);
    }

    public Tensor triu(long diagonal = 0) => new(Native.pt_triangle(1, _handle, diagonal));
    public Tensor tril(long diagonal = 0) => new(Native.pt_triangle(0, _handle, diagonal));
    public Tensor gather(long dim, Tensor index) => new(Native.pt_gather(_handle, dim, index._handle));
    public Tensor scatter(long dim, Tensor index, Tensor src) => new(Native.pt_scatter(0, _handle, dim, index._handle, src._handle));
    public Tensor scatter_add(long dim, Tensor index, Tensor src) => new(Native.pt_scatter(1, _handle, dim, index._handle, src._handle));
    public Tensor index_select(long dim, Tensor index) => new(Native.pt_index_select(_handle, dim, index._handle));
}
