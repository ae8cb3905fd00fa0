using Pipeline.Model.Torch;
using F_ = Pipeline.Model.Torch.torch.nn.functional;

namespace Pipeline.Tests.Model.Torch;

/// <summary>
/// Autograd gradients of the composite expressions a decoder's training uses, checked against
/// central finite differences in float64.
/// </summary>
public class GradCheckTests
{
    private static void GradCheck(Func<Tensor[], Tensor> loss, params (long[] shape, ulong seed)[] inputs)
    {
        using var scope = torch.NewDisposeScope();
        var values = inputs.Select(i =>
        {
            using var g = new Generator(i.seed);
            using var t = torch.randn(i.shape, ScalarType.Float64, generator: g);
            return t.data<double>();
        }).ToArray();

        Tensor[] Build(double[][] v, bool grad) =>
            [.. v.Select((x, i) => torch.tensor(x, inputs[i].shape, requires_grad: grad))];

        var leaves = Build(values, true);
        var y = loss(leaves);
        Assert.Empty(y.shape);
        y.backward();

        const double h = 1e-6;
        for (var i = 0; i < values.Length; i++)
        {
            var analytic = leaves[i].grad!.data<double>();
            for (var j = 0; j < values[i].Length; j++)
            {
                double At(double delta)
                {
                    using var inner = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    var shifted = values.Select(v => (double[])v.Clone()).ToArray();
                    shifted[i][j] += delta;
                    return loss(Build(shifted, false)).item<double>();
                }

                var numeric = (At(h) - At(-h)) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[j]) <= 1e-6 * (1 + Math.Abs(numeric)),
                    $"input {i} element {j}: autograd {analytic[j]}, finite difference {numeric}");
            }
        }
    }

    private static Tensor Weights(long[] shape, ulong seed)
    {
        using var g = new Generator(seed);
        return torch.randn(shape, ScalarType.Float64, generator: g);
    }

    [Fact]
    public void SoftmaxCrossEntropy()
    {
        var targets = new long[] { 1, 4, 0 };
        GradCheck(x =>
        {
            using var t = torch.tensor(targets, [3, 1]);
            // -mean log p(target), written out, and libtorch's fused loss must agree.
            var manual = x[0].log_softmax(-1).gather(1, t).mean().neg();
            using var tt = torch.tensor(targets);
            var fused = F_.cross_entropy(x[0], tt);
            Assert.Equal(manual.item<double>(), fused.item<double>(), 1e-12);
            return manual + fused;
        }, ([3, 5], 1));
    }

    [Fact]
    public void RmsNorm()
    {
        GradCheck(x =>
        {
            var (input, weight) = (x[0], x[1]);
            var y = input * (input.pow(2).mean(-1, keepdim: true) + 1e-5).rsqrt() * weight; // (B, T, C)
            return (y * Weights([2, 3, 4], 99)).sum();
        }, ([2, 3, 4], 2), ([4], 3));
    }

    [Theory]
    [InlineData(AttentionPath.Explicit)]
    [InlineData(AttentionPath.Auto)]
    public void CausalAttention(AttentionPath path)
    {
        GradCheck(x =>
        {
            var y = F_.scaled_dot_product_attention(x[0], x[1], x[2], null, is_causal: true, path); // (B, nh, T, hs)
            return (y * Weights([1, 2, 4, 3], 98)).sum();
        }, ([1, 2, 4, 3], 4), ([1, 2, 4, 3], 5), ([1, 2, 4, 3], 6));
    }

    [Fact]
    public void SwiGlu()
    {
        GradCheck(x =>
        {
            var (input, w1, w3, w2) = (x[0], x[1], x[2], x[3]);
            var hidden = F_.silu(F_.linear(input, w1)) * F_.linear(input, w3); // (B, 6)
            var y = F_.linear(hidden, w2);                                      // (B, 4)
            return (y * Weights([2, 4], 97)).sum();
        }, ([2, 4], 7), ([6, 4], 8), ([6, 4], 9), ([4, 6], 10));
    }

    [Fact]
    public void ElementwiseChain()
    {
        GradCheck(x =>
        {
            var a = x[0];
            var y = a.tanh() + a.sigmoid() * a.exp() - a.gelu() + (a * a + 1).sqrt() + a.gelu("tanh") / (a.abs() + 2);
            return (y.softmax(0) * Weights([5], 96)).sum() + y.var() + y.std(0, unbiased: false) + y.max();
        }, ([5], 11));
    }
}
