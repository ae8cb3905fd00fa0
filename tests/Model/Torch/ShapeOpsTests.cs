using Pipeline.Model.Torch;
using static Pipeline.Tests.Model.Torch.TorchAssert;

namespace Pipeline.Tests.Model.Torch;

public class ShapeOpsTests
{
    [Fact]
    public void ViewsAndReshapes()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.arange(6, ScalarType.Float32);
        Values(a.view(2, 3), [2, 3], [0, 1, 2, 3, 4, 5]);
        Values(a.view(-1, 2), [3, 2], [0, 1, 2, 3, 4, 5]);
        var m = a.view(2, 3);
        Values(m.transpose(0, 1), [3, 2], [0, 3, 1, 4, 2, 5]);
        Values(m.t().reshape(6), [6], [0, 3, 1, 4, 2, 5]);
        var c = torch.arange(24, ScalarType.Float32).view(2, 3, 4);
        var p = c.permute(2, 0, 1);
        Assert.Equal([4L, 2, 3], p.shape);
        Assert.Equal(c.view(2, 3, 4)[1].select(0, 2).select(0, 3).item<float>(), p[3][1][2].item<float>());
        Values(m.unsqueeze(0), [1, 2, 3], [0, 1, 2, 3, 4, 5]);
        Values(m.unsqueeze(-1).squeeze(-1), [2, 3], [0, 1, 2, 3, 4, 5]);
        Assert.Equal([2L, 3], m.view(1, 2, 1, 3).squeeze().shape);
        Values(F([1, 2], 2, 1).expand(2, 3), [2, 3], [1, 1, 1, 2, 2, 2]);
        Values(F([1, 2]).repeat(2), [4], [1, 2, 1, 2]);
        Values(F([1, 2], 1, 2).repeat_interleave(2, 1), [1, 4], [1, 1, 2, 2]);
        Values(c.flatten(1), [2, 12], [.. Enumerable.Range(0, 24).Select(i => (float)i)]);
        Assert.Throws<TorchException>(() => m.t().view(6));
        Assert.Equal(new long[] { 3, 1 }, m.stride());
    }

    [Fact]
    public void NarrowSliceSelectSplit()
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.arange(12, ScalarType.Float32).view(3, 4);
        Values(m.narrow(1, 1, 2), [3, 2], [1, 2, 5, 6, 9, 10]);
        Values(m.slice(0, 1, 3), [2, 4], [4, 5, 6, 7, 8, 9, 10, 11]);
        Values(m.slice(1, 0, 100, 2), [3, 2], [0, 2, 4, 6, 8, 10]);
        Values(m.select(1, 3), [3], [3, 7, 11]);
        Values(m[2], [4], [8, 9, 10, 11]);
        var parts = m.split(3, 1);
        Assert.Equal(2, parts.Length);
        Values(parts[0], [3, 3], [0, 1, 2, 4, 5, 6, 8, 9, 10]);
        Values(parts[1], [3, 1], [3, 7, 11]);
        var sized = m.split([1, 2], 0);
        Values(sized[1], [2, 4], [4, 5, 6, 7, 8, 9, 10, 11]);
        var chunks = m.chunk(2, 1);
        Values(chunks[1], [3, 2], [2, 3, 6, 7, 10, 11]);
        // A view shares storage: writing through it changes the base.
        m.narrow(0, 0, 1).fill_(-1.0);
        Values(m[0], [4], [-1, -1, -1, -1]);
    }

    [Fact]
    public void CatStack()
    {
        using var scope = torch.NewDisposeScope();
        var a = F([1, 2], 1, 2);
        var b = F([3, 4], 1, 2);
        Values(torch.cat([a, b]), [2, 2], [1, 2, 3, 4]);
        Values(torch.cat([a, b], 1), [1, 4], [1, 2, 3, 4]);
        Values(torch.stack([a, b]), [2, 1, 2], [1, 2, 3, 4]);
        Values(torch.stack([a, b], -1), [1, 2, 2], [1, 3, 2, 4]);
        var e = Assert.Throws<TorchException>(() => torch.cat([a, F([1, 2, 3], 1, 3)]));
        Assert.Contains("size", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TriangularMasks()
    {
        using var scope = torch.NewDisposeScope();
        var o = torch.ones([3, 3]);
        Values(o.triu(), [3, 3], [1, 1, 1, 0, 1, 1, 0, 0, 1]);
        Values(o.triu(1), [3, 3], [0, 1, 1, 0, 0, 1, 0, 0, 0]);
        Values(torch.tril(o), [3, 3], [1, 0, 0, 1, 1, 0, 1, 1, 1]);
        Values(o.tril(-1), [3, 3], [0, 0, 0, 1, 0, 0, 1, 1, 0]);
    }

    [Fact]
    public void GatherScatterIndexSelect()
    {
        using var scope = torch.NewDisposeScope();
        var m = F([1, 2, 3, 4, 5, 6], 2, 3);
        Values(m.gather(1, L([2, 0], 2, 1)), [2, 1], [3, 4]);
        Values(m.gather(0, L([1, 0, 1], 1, 3)), [1, 3], [4, 2, 6]);
        Values(m.index_select(1, L([2, 0])), [2, 2], [3, 1, 6, 4]);
        Values(m.index_select(0, L([1, 1])), [2, 3], [4, 5, 6, 4, 5, 6]);
        Values(torch.zeros([2, 3]).scatter(1, L([2, 0], 2, 1), F([7, 8], 2, 1)), [2, 3], [0, 0, 7, 8, 0, 0]);
        Values(torch.zeros([3]).scatter_add(0, L([0, 0, 2]), F([1, 2, 3])), [3], [3, 0, 3]);
        Longs(torch.nn.functional.one_hot(L([2, 0]), 3), [2, 3], [0L, 0, 1, 1, 0, 0]);
        var e = Assert.Throws<TorchException>(() => m.index_select(1, L([5])));
        Assert.Contains("out of DATA bounds", e.Message);
    }
}
