using Pipeline.Model.Torch;
using static Pipeline.Tests.Model.Torch.TorchAssert;

namespace Pipeline.Tests.Model.Torch;

public class ElementwiseOpsTests
{
    [Fact]
    public void ArithmeticWithTensorsScalarsAndBroadcasting()
    {
        using var scope = torch.NewDisposeScope();
        var a = F([1, 2, 3, 4, 5, 6], 2, 3);
        var row = F([10, 20, 30], 3);
        var col = F([1, -1], 2, 1);
        Values(a + row, [2, 3], [11, 22, 33, 14, 25, 36]);
        Values(a - col, [2, 3], [0, 1, 2, 5, 6, 7]);
        Values(a * col, [2, 3], [1, 2, 3, -4, -5, -6]);
        Values(a / row, [2, 3], [0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f]);
        Values(a + 1.5, [2, 3], [2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f]);
        Values(10.0 - a, [2, 3], [9, 8, 7, 6, 5, 4]);
        Values(a * 2, [2, 3], [2, 4, 6, 8, 10, 12]);
        Values(6.0 / a, [2, 3], [6, 3, 2, 1.5f, 1.2f, 1]);
        Values(a / 4, [2, 3], [0.25f, 0.5f, 0.75f, 1, 1.25f, 1.5f]);
        Values(-a, [2, 3], [-1, -2, -3, -4, -5, -6]);
        Values(a.add(row, 2), [2, 3], [21, 42, 63, 24, 45, 66]);
        Values(a.sub(row, 0.5), [2, 3], [-4, -8, -12, -1, -5, -9]);
        Values(a.pow(2), [2, 3], [1, 4, 9, 16, 25, 36]);
        Values(F([2, 3]).pow(F([3, 2])), [2], [8, 9]);
        Values(F([1, 5]).maximum(F([3, 2])), [2], [3, 5]);
        Values(F([1, 5]).minimum(F([3, 2])), [2], [1, 2]);
        Values(F([1, 2]).rpow(2), [2], [2, 4]);
        Values(F([1, 2]).addcmul(F([2, 3]), F([4, 5]), 0.5), [2], [5, 9.5f]);
        Values(F([1, 2]).addcdiv(F([2, 3]), F([4, 6]), 2), [2], [2, 3]);
        Values(F([5, -5]).remainder(3), [2], [2, 1]);
    }

    [Fact]
    public void IntegerTensorsStayIntegralWithIntegerScalars()
    {
        using var scope = torch.NewDisposeScope();
        var l = L([1, 2, 7]);
        Longs(l + 1, [3], [2L, 3, 8]);
        Longs(l * 3, [3], [3L, 6, 21]);
        Longs(l.floor_divide(2), [3], [0L, 1, 3]);
        Assert.Equal(ScalarType.Float32, (l + 0.5).dtype);
        // True division promotes integers to float, as in PyTorch.
        Values(l / 2, [3], [0.5f, 1, 3.5f]);
    }

    [Fact]
    public void UnaryFunctions()
    {
        using var scope = torch.NewDisposeScope();
        var x = F([-1, 0, 2]);
        var p = F([1, 4, 9]);
        Values(x.exp(), [3], [MathF.Exp(-1), 1, MathF.Exp(2)]);
        Values(p.log(), [3], [0, MathF.Log(4), MathF.Log(9)]);
        Values(p.sqrt(), [3], [1, 2, 3]);
        Values(p.rsqrt(), [3], [1, 0.5f, 1 / 3f]);
        Values(x.tanh(), [3], [MathF.Tanh(-1), 0, MathF.Tanh(2)]);
        Values(x.sigmoid(), [3], [1 / (1 + MathF.E), 0.5f, 1 / (1 + MathF.Exp(-2))]);
        Values(x.silu(), [3], [-1 / (1 + MathF.E), 0, 2 / (1 + MathF.Exp(-2))]);
        // GELU(x) = x Φ(x); Φ(-1) = 0.158655254, Φ(2) = 0.977249868.
        Values(x.gelu(), [3], [-0.158655254f, 0, 2 * 0.977249868f]);
        static float GeluTanh(float v) => 0.5f * v * (1 + MathF.Tanh(MathF.Sqrt(2 / MathF.PI) * (v + 0.044715f * v * v * v)));
        Values(x.gelu("tanh"), [3], [GeluTanh(-1), 0, GeluTanh(2)]);
        Values(x.relu(), [3], [0, 0, 2]);
        Values(x.abs(), [3], [1, 0, 2]);
        Values(x.square(), [3], [1, 0, 4]);
        Values(x.sign(), [3], [-1, 0, 1]);
        Values(x.sin(), [3], [MathF.Sin(-1), 0, MathF.Sin(2)]);
        Values(x.cos(), [3], [MathF.Cos(-1), 1, MathF.Cos(2)]);
        Values(F([1.5f, -1.5f]).floor(), [2], [1, -2]);
        Values(F([1.5f, -1.5f]).ceil(), [2], [2, -1]);
        Values(F([2, 4]).reciprocal(), [2], [0.5f, 0.25f]);
        Values(F([0, 1]).log1p(), [2], [0, MathF.Log(2)]);
        Values(F([0, 1]).expm1(), [2], [0, MathF.E - 1]);
        Bools(F([float.NaN, 1, float.PositiveInfinity]).isnan(), [3], [true, false, false]);
        Bools(F([float.NaN, 1, float.PositiveInfinity]).isinf(), [3], [false, false, true]);
        Bools(F([float.NaN, 1, float.PositiveInfinity]).isfinite(), [3], [false, true, false]);
        Assert.Throws<ArgumentException>(() => x.gelu("fast"));
    }

    [Fact]
    public void ComparisonsAndLogic()
    {
        using var scope = torch.NewDisposeScope();
        var a = F([1, 2, 3]);
        var b = F([3, 2, 1]);
        Bools(a.eq(b), [3], [false, true, false]);
        Bools(a.ne(b), [3], [true, false, true]);
        Bools(a.lt(b), [3], [true, false, false]);
        Bools(a.le(b), [3], [true, true, false]);
        Bools(a.gt(b), [3], [false, false, true]);
        Bools(a.ge(b), [3], [false, true, true]);
        Bools(a.gt(1.5), [3], [false, true, true]);
        Bools(a.eq(2.0), [3], [false, true, false]);
        Bools(L([1, 2]).eq(2), [2], [false, true]);
        var p = torch.tensor(new[] { true, true, false, false });
        var q = torch.tensor(new[] { true, false, true, false });
        Bools(p.logical_and(q), [4], [true, false, false, false]);
        Bools(p.logical_or(q), [4], [true, true, true, false]);
        Bools(p.logical_xor(q), [4], [false, true, true, false]);
        Bools(p.logical_not(), [4], [false, false, true, true]);
    }

    [Fact]
    public void WhereMaskedFillClamp()
    {
        using var scope = torch.NewDisposeScope();
        var a = F([1, 2, 3, 4]);
        var mask = torch.tensor(new[] { true, false, true, false });
        Values(torch.where(mask, a, F([0])), [4], [1, 0, 3, 0]);
        Values(a.masked_fill(mask, -1), [4], [-1, 2, -1, 4]);
        Values(a.masked_fill(mask, double.NegativeInfinity), [4], [float.NegativeInfinity, 2, float.NegativeInfinity, 4]);
        Values(a.clamp(2, 3), [4], [2, 2, 3, 3]);
        Values(a.clamp(min: 3), [4], [3, 3, 3, 4]);
        Values(a.clamp(max: 2), [4], [1, 2, 2, 2]);
    }

    [Fact]
    public void InPlaceOpsModifyAndReturnTheSameTensor()
    {
        using var scope = torch.NewDisposeScope();
        var a = F([1, 2, 3]);
        Assert.Same(a, a.add_(F([1, 1, 1]), 2));
        Values(a, [3], [3, 4, 5]);
        a.sub_(1.0).mul_(2.0).div_(4.0);
        Values(a, [3], [1, 1.5f, 2]);
        a.mul_(F([2, 2, 2])).add_(1.0);
        Values(a, [3], [3, 4, 5]);
        a.addcmul_(F([1, 1, 1]), F([1, 2, 3]), 2);
        Values(a, [3], [5, 8, 11]);
        a.addcdiv_(F([2, 2, 2]), F([1, 2, 4]), -1);
        Values(a, [3], [3, 7, 10.5f]);
        a.lerp_(F([5, 5, 5]), 0.5);
        Values(a, [3], [4, 6, 7.75f]);
        a.copy_(F([4, 9, 16]));
        a.sqrt_();
        Values(a, [3], [2, 3, 4]);
        a.pow_(2).neg_();
        Values(a, [3], [-4, -9, -16]);
        a.clamp_(-10, -5);
        Values(a, [3], [-5, -9, -10]);
        a.masked_fill_(torch.tensor(new[] { false, true, false }), 0);
        Values(a, [3], [-5, 0, -10]);
        a.abs_().exp_().log_();
        Values(a, [3], [5, 0, 10]);
        a.fill_(2.0).reciprocal_();
        Values(a, [3], [0.5f, 0.5f, 0.5f]);
        a.zero_();
        Values(a, [3], [0, 0, 0]);
        var s = F([0, 100]);
        s.sigmoid_();
        Values(s, [2], [0.5f, 1]);
        F([-1]).relu_();
    }
}
