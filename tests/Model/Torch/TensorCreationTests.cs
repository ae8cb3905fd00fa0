using Pipeline.Model.Torch;
using static Pipeline.Tests.Model.Torch.TorchAssert;

namespace Pipeline.Tests.Model.Torch;

public class TensorCreationTests
{
    [Fact]
    public void FromArraysOfEveryElementType()
    {
        using var scope = torch.NewDisposeScope();
        var f = torch.tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, [2, 3]);
        Assert.Equal(ScalarType.Float32, f.dtype);
        Assert.Equal([2L, 3L], f.shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], f.data<float>());

        var l = torch.tensor(new long[] { -1, 5 });
        Assert.Equal(ScalarType.Int64, l.dtype);
        Assert.Equal([-1L, 5L], l.data<long>());

        var i = torch.tensor(new[] { 7, 8, 9 });
        Assert.Equal(ScalarType.Int32, i.dtype);
        Assert.Equal([7, 8, 9], i.data<int>());

        var b = torch.tensor(new[] { true, false, true });
        Assert.Equal(ScalarType.Bool, b.dtype);
        Assert.Equal([true, false, true], b.data<bool>());

        var h = torch.tensor(new[] { (Half)1.5f, (Half)(-2f) });
        Assert.Equal(ScalarType.Float16, h.dtype);
        Assert.Equal([(Half)1.5f, (Half)(-2f)], h.data<Half>());

        // bfloat16 is the top half of a float32: 1.0f = 0x3F80_0000, -2.5f = 0xC020_0000.
        var bf = torch.tensor(new ushort[] { 0x3F80, 0xC020 });
        Assert.Equal(ScalarType.BFloat16, bf.dtype);
        Assert.Equal([1f, -2.5f], bf.ToSingleArray());

        var conv = torch.tensor(new[] { 1f, 3f }, dtype: ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, conv.dtype);
        Assert.Equal(new ushort[] { 0x3F80, 0x4040 }, conv.data<ushort>());
    }

    [Fact]
    public void FromSpanWithShape()
    {
        ReadOnlySpan<float> data = [1, 2, 3, 4];
        using var t = torch.tensor(data, [2, 2]);
        Values(t, [2, 2], [1, 2, 3, 4]);
    }

    [Fact]
    public void WrongElementCountIsAnError()
    {
        var e = Assert.Throws<TorchException>(() => torch.tensor(new[] { 1f, 2f, 3f }, [2, 2]));
        Assert.Contains("bytes", e.Message);
    }

    [Fact]
    public void Factories()
    {
        using var scope = torch.NewDisposeScope();
        Values(torch.zeros([2, 2]), [2, 2], [0, 0, 0, 0]);
        Values(torch.ones([3]), [3], [1, 1, 1]);
        Values(torch.full([2], 2.5), [2], [2.5f, 2.5f]);
        Assert.Equal([4L, 5L], torch.empty([4, 5]).shape);
        Longs(torch.arange(5), [5], [0L, 1, 2, 3, 4]);
        Longs(torch.arange(1, 7, 2), [3], [1L, 3, 5]);
        Values(torch.arange(0.0, 1.0, 0.25), [4], [0, 0.25f, 0.5f, 0.75f]);
        Assert.Equal(ScalarType.Float64, torch.zeros([1], ScalarType.Float64).dtype);
        Assert.Equal(ScalarType.Int64, torch.ones([1], ScalarType.Int64).dtype);
        var z = torch.zeros_like(torch.ones([2, 3], ScalarType.BFloat16));
        Assert.Equal(ScalarType.BFloat16, z.dtype);
        Assert.Equal([2L, 3L], z.shape);
        Assert.Equal(0, z.dim() - 2);
        Assert.Equal(6, z.numel());
        var s = torch.scalar_tensor(3);
        Assert.Equal(0, s.dim());
        Assert.Equal(3f, s.item<float>());
    }

    [Fact]
    public void RandomDrawsFollowTheGenerator()
    {
        using var scope = torch.NewDisposeScope();
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        var a = torch.randn([1000], generator: g1);
        var b = torch.randn([1000], generator: g2);
        Assert.True(a.equal(b));
        var c = torch.randn([1000], generator: g1);
        Assert.False(a.equal(c));
        Assert.InRange(a.mean().item<float>(), -0.15f, 0.15f);
        Assert.InRange(a.std().item<float>(), 0.85f, 1.15f);

        var u = torch.rand([1000], generator: g1);
        Assert.True(u.ge(0.0).all().ToBoolean());
        Assert.True(u.lt(1.0).all().ToBoolean());
        Assert.InRange(u.mean().item<float>(), 0.45f, 0.55f);

        var r = torch.randint(3, 6, [200], generator: g1);
        Assert.Equal(ScalarType.Int64, r.dtype);
        Assert.Equal(3, r.min().ToInt64());
        Assert.Equal(5, r.max().ToInt64());

        // Saving the state and restoring it replays the same draws.
        var state = g1.get_state();
        var d1 = torch.rand([5], generator: g1);
        g1.set_state(state);
        var d2 = torch.rand([5], generator: g1);
        Assert.True(d1.equal(d2));
        Assert.Equal(42UL, new Generator(42).initial_seed());
    }

    [Fact]
    public void ConversionsAndCopies()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(new[] { 1.6f, -2.4f });
        var l = t.to(ScalarType.Int64);
        Longs(l, [2], [1L, -2]);
        var d = t.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, d.dtype);
        Assert.Equal(1.6f, (float)d.data<double>()[0]);
        Assert.Equal(Device.CPU, t.to(torch.CPU).device);
        Assert.Equal("cpu", t.device.ToString());

        var c = t.clone();
        c.add_(1.0);
        Values(t, [2], [1.6f, -2.4f]);
        Values(c, [2], [2.6f, -1.4f]);

        var tr = torch.tensor(new[] { 1f, 2f, 3f, 4f }, [2, 2]).t();
        Assert.False(tr.is_contiguous());
        var ct = tr.contiguous();
        Assert.True(ct.is_contiguous());
        Assert.Equal([1f, 3f, 2f, 4f], ct.data<float>());
        Assert.Equal([1f, 3f, 2f, 4f], tr.data<float>());

        var w = torch.ones([2], requires_grad: true);
        var det = w.detach();
        Assert.False(det.requires_grad);
        Assert.Throws<ArgumentException>(() => t.data<long>());
        Assert.Equal(-2, torch.tensor(new[] { -2L }).item<long>());
        Assert.True(torch.tensor(new[] { true }).item<bool>());
    }

    [Fact]
    public void InPlaceRandomFillsAndAliases()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(9);
        var u = torch.empty([2000]).uniform_(-2, 3, g);
        Assert.True(u.ge(-2.0).all().ToBoolean() && u.lt(3.0).all().ToBoolean());
        Assert.InRange(u.mean().ToSingle(), 0.3f, 0.7f);
        var n = torch.empty([2000], ScalarType.Float64).normal_(5, 0.5, g);
        Assert.InRange(n.mean().ToDouble(), 4.95, 5.05);
        Assert.InRange(n.std().ToDouble(), 0.45, 0.55);

        var a = torch.ones([2]);
        var alias = a.alias();
        a.Dispose();
        alias.add_(1.0);
        Assert.Equal([2f, 2f], alias.data<float>());

        var w = torch.tensor(new[] { 1f, 2f }, dtype: ScalarType.Float64, requires_grad: true);
        Assert.True(w.requires_grad && w.is_leaf);
        Assert.Equal(ScalarType.Float64, w.dtype);
    }

    [Fact]
    public void DevicesParse()
    {
        Assert.Equal(Device.CPU, Device.Parse("cpu"));
        Assert.Equal(new Device(DeviceType.CUDA, 1), Device.Parse("cuda:1"));
        Assert.Equal(new Device(DeviceType.CUDA, 0), torch.device("cuda"));
        Assert.Throws<ArgumentException>(() => Device.Parse("tpu"));
        Assert.Throws<ArgumentException>(() => Device.Parse("cpu:1"));
    }

    [Fact]
    public void ToStringShowsValues()
    {
        using var t = torch.tensor(new[] { 1.5f, 2f });
        Assert.Contains("1.5", t.ToString(withValues: true));
        Assert.Equal("Tensor[2] Float32 cpu", t.ToString());
    }
}
