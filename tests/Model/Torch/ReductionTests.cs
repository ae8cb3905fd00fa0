using Pipeline.Model.Torch;
using static Pipeline.Tests.Model.Torch.TorchAssert;

namespace Pipeline.Tests.Model.Torch;

public class ReductionTests
{
    // [[1, 2, 3],
    //  [4, 6, 8]]
    private static Tensor M() => F([1, 2, 3, 4, 6, 8], 2, 3);

    [Fact]
    public void SumMeanAlongDimsWithKeepdim()
    {
        using var scope = torch.NewDisposeScope();
        var m = M();
        Values(m.sum(), [], [24]);
        Values(m.sum(0), [3], [5, 8, 11]);
        Values(m.sum(1, keepdim: true), [2, 1], [6, 18]);
        Values(m.sum([0, 1]), [], [24]);
        Values(m.mean(), [], [4]);
        Values(m.mean(-1), [2], [2, 6]);
        Values(m.mean(0, keepdim: true), [1, 3], [2.5f, 4, 5.5f]);
        Values(m.prod(1), [2], [6, 192]);
        Values(m.prod(), [], [1152]);
        Values(m.logsumexp(1), [2], [MathF.Log(MathF.Exp(1) + MathF.Exp(2) + MathF.Exp(3)), MathF.Log(MathF.Exp(4) + MathF.Exp(6) + MathF.Exp(8))]);
        Values(m.norm(), [], [MathF.Sqrt(1 + 4 + 9 + 16 + 36 + 64)]);
        Values(m.norm(1), [2], [MathF.Sqrt(14), MathF.Sqrt(116)]);
    }

    [Fact]
    public void VarianceAndStandardDeviation()
    {
        using var scope = torch.NewDisposeScope();
        var m = M();
        // Row 2 is 4, 6, 8: mean 6, squared deviations 4 + 0 + 4 = 8.
        Values(m.var(1), [2], [1, 4]);
        Values(m.var(1, unbiased: false), [2], [2 / 3f, 8 / 3f]);
        Values(m.std(1, keepdim: true), [2, 1], [1, 2]);
        Values(m.std(1, unbiased: false), [2], [MathF.Sqrt(2 / 3f), MathF.Sqrt(8 / 3f)]);
        // All six: mean 4, squared deviations 9 + 4 + 1 + 0 + 4 + 16 = 34.
        Values(m.var(), [], [34 / 5f]);
        Values(m.std(unbiased: false), [], [MathF.Sqrt(34 / 6f)]);
        Values(m.var([0, 1]), [], [34 / 5f]);
    }

    [Fact]
    public void MaxMinArgmax()
    {
        using var scope = torch.NewDisposeScope();
        var m = F([3, 9, 1, 7, 2, 8], 2, 3);
        Values(m.max(), [], [9]);
        Values(m.min(), [], [1]);
        var (v, i) = m.max(1);
        Values(v, [2], [9, 8]);
        Longs(i, [2], [1L, 2]);
        var (v0, i0) = m.min(0, keepdim: true);
        Values(v0, [1, 3], [3, 2, 1]);
        Longs(i0, [1, 3], [0L, 1, 0]);
        Values(m.amax(0), [3], [7, 9, 8]);
        Values(m.amin([0, 1]), [], [1]);
        Longs(m.argmax(), [], [1L]);
        Longs(m.argmax(1), [2], [1L, 2]);
        Longs(m.argmin(0, keepdim: true), [1, 3], [0L, 1, 0]);
        Longs(m.argmin(), [], [2L]);
    }

    [Fact]
    public void AllAnyCumsum()
    {
        using var scope = torch.NewDisposeScope();
        var b = torch.tensor(new[] { true, false, true, true }, [2, 2]);
        Assert.False(b.all().ToBoolean());
        Assert.True(b.any().ToBoolean());
        Bools(b.all(1), [2], [false, true]);
        Bools(b.any(0), [2], [true, true]);
        Values(F([1, 2, 3, 4], 2, 2).cumsum(1), [2, 2], [1, 3, 3, 7]);
        Values(F([1, 2, 3, 4], 2, 2).cumsum(0), [2, 2], [1, 2, 4, 6]);
    }

    [Fact]
    public void SortTopkMultinomial()
    {
        using var scope = torch.NewDisposeScope();
        var x = F([3, 1, 2, 5, 4, 6], 2, 3);
        var (s, si) = x.sort();
        Values(s, [2, 3], [1, 2, 3, 4, 5, 6]);
        Longs(si, [2, 3], [1L, 2, 0, 1, 0, 2]);
        var (d, di) = x.sort(dim: 1, descending: true);
        Values(d, [2, 3], [3, 2, 1, 6, 5, 4]);
        Longs(di, [2, 3], [0L, 2, 1, 2, 0, 1]);
        var (t, ti) = x.topk(2);
        Values(t, [2, 2], [3, 2, 6, 5]);
        Longs(ti, [2, 2], [0L, 2, 2, 0]);
        var (b, bi) = x.topk(1, dim: 0, largest: false);
        Values(b, [1, 3], [3, 1, 2]);
        Longs(bi, [1, 3], [0L, 0, 0]);

        // A zero-probability category is never drawn; a one-hot row always gives its index.
        using var g = new Generator(3);
        var probs = F([0, 1, 0, 0.5f, 0, 0.5f], 2, 3);
        var draws = torch.multinomial(probs, 100, replacement: true, generator: g);
        Assert.Equal([2L, 100L], draws.shape);
        var rows = draws.data<long>();
        Assert.All(rows[..100], r => Assert.Equal(1, r));
        Assert.All(rows[100..], r => Assert.True(r is 0 or 2));
        Assert.Contains(0L, rows[100..]);
        Assert.Contains(2L, rows[100..]);
        using var g2 = new Generator(3);
        Assert.True(draws.equal(torch.multinomial(probs, 100, replacement: true, generator: g2)));
        var noRepeat = torch.multinomial(F([1, 1, 1, 1]), 4, generator: g);
        Assert.Equal([0L, 1, 2, 3], noRepeat.sort().values.data<long>());
    }
}
