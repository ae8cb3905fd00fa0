using Pipeline.Model.Torch;
using static Pipeline.Tests.Model.Torch.TorchAssert;
using F_ = Pipeline.Model.Torch.torch.nn.functional;

namespace Pipeline.Tests.Model.Torch;

public class NnOpsTests
{
    [Fact]
    public void MatrixProducts()
    {
        using var scope = torch.NewDisposeScope();
        var a = F([1, 2, 3, 4, 5, 6], 2, 3);
        var b = F([1, 0, 0, 1, 1, 1], 3, 2);
        // [[1+0+3, 0+2+3], [4+0+6, 0+5+6]]
        Values(a.matmul(b), [2, 2], [4, 5, 10, 11]);
        Values(a.mm(b), [2, 2], [4, 5, 10, 11]);
        Values(torch.matmul(a, F([1, 1, 1])), [2], [6, 15]);
        var batch = torch.stack([a, a * 2]);
        var bb = torch.stack([b, b]);
        Values(batch.bmm(bb), [2, 2, 2], [4, 5, 10, 11, 8, 10, 20, 22]);
        // Broadcasting matmul: (2, 2, 3) x (3, 2).
        Values(batch.matmul(b), [2, 2, 2], [4, 5, 10, 11, 8, 10, 20, 22]);
        var bf = a.to(ScalarType.BFloat16).matmul(b.to(ScalarType.BFloat16));
        Assert.Equal(ScalarType.BFloat16, bf.dtype);
        Values(bf, [2, 2], [4, 5, 10, 11]);
    }

    [Fact]
    public void LinearWithAndWithoutBias()
    {
        using var scope = torch.NewDisposeScope();
        var x = F([1, 2], 1, 2);
        var w = F([1, 1, 2, -1, 0, 3], 3, 2); // (out 3, in 2)
        Values(F_.linear(x, w), [1, 3], [3, 0, 6]);
        Values(F_.linear(x, w, F([1, 2, 3])), [1, 3], [4, 2, 9]);
    }

    [Fact]
    public void SoftmaxAndLogSoftmax()
    {
        using var scope = torch.NewDisposeScope();
        var x = F([1, 2, 3, 0, 0, 0], 2, 3);
        var z = MathF.Exp(1) + MathF.Exp(2) + MathF.Exp(3);
        Values(F_.softmax(x, 1), [2, 3], [MathF.Exp(1) / z, MathF.Exp(2) / z, MathF.Exp(3) / z, 1 / 3f, 1 / 3f, 1 / 3f]);
        Values(x.log_softmax(-1), [2, 3], [1 - MathF.Log(z), 2 - MathF.Log(z), 3 - MathF.Log(z), -MathF.Log(3), -MathF.Log(3), -MathF.Log(3)]);
        Values(F_.softmax(F([0, 0], 2, 1), 0), [2, 1], [0.5f, 0.5f]);
        var bf = F_.log_softmax(x.to(ScalarType.BFloat16), 1, ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, bf.dtype);
        // A -inf logit (a masked position) gets probability 0.
        Values(F_.softmax(F([0, float.NegativeInfinity]), 0), [2], [1, 0]);
    }

    [Fact]
    public void EmbeddingAndCrossEntropy()
    {
        using var scope = torch.NewDisposeScope();
        var w = F([0, 0, 1, 1, 2, 2], 3, 2);
        Values(F_.embedding(L([2, 0, 2], 1, 3), w), [1, 3, 2], [2, 2, 0, 0, 2, 2]);
        var logits = F([1, 2, 3, 0, 0, 0], 2, 3);
        var targets = L([2, 1]);
        var z = MathF.Log(MathF.Exp(1) + MathF.Exp(2) + MathF.Exp(3));
        var l0 = z - 3;
        var l1 = MathF.Log(3);
        Values(F_.cross_entropy(logits, targets, reduction: "none"), [2], [l0, l1]);
        Values(F_.cross_entropy(logits, targets), [], [(l0 + l1) / 2]);
        Values(F_.cross_entropy(logits, targets, reduction: "sum"), [], [l0 + l1]);
        Values(F_.cross_entropy(logits, L([2, -100])), [], [l0]);
    }

    /// <summary>softmax(q kᵀ/√d + mask) v by loops over doubles: the obviously-correct reference.</summary>
    private static double[] ReferenceAttention(double[] q, double[] k, double[] v, int l, int s, int d, bool causal, bool[]? allowed)
    {
        var o = new double[l * d];
        for (var i = 0; i < l; i++)
        {
            var scores = new double[s];
            var max = double.NegativeInfinity;
            for (var j = 0; j < s; j++)
            {
                var dot = 0.0;
                for (var c = 0; c < d; c++)
                {
                    dot += q[i * d + c] * k[j * d + c];
                }

                var masked = (causal && j > i) || (allowed is not null && !allowed[i * s + j]);
                scores[j] = masked ? double.NegativeInfinity : dot / Math.Sqrt(d);
                max = Math.Max(max, scores[j]);
            }

            var sum = scores.Sum(x => Math.Exp(x - max));
            for (var j = 0; j < s; j++)
            {
                var p = Math.Exp(scores[j] - max) / sum;
                for (var c = 0; c < d; c++)
                {
                    o[i * d + c] += p * v[j * d + c];
                }
            }
        }

        return o;
    }

    [Theory]
    [InlineData(AttentionPath.Explicit, false, false)]
    [InlineData(AttentionPath.Explicit, true, false)]
    [InlineData(AttentionPath.Explicit, false, true)]
    [InlineData(AttentionPath.Auto, true, false)]
    [InlineData(AttentionPath.Auto, false, true)]
    public void AttentionMatchesLoopReference(AttentionPath path, bool causal, bool masked)
    {
        using var scope = torch.NewDisposeScope();
        const int L = 4, S = 4, D = 3;
        using var g = new Generator(11);
        var q = torch.randn([L, D], ScalarType.Float64, generator: g);
        var k = torch.randn([S, D], ScalarType.Float64, generator: g);
        var v = torch.randn([S, D], ScalarType.Float64, generator: g);
        bool[]? allowed = masked ? [true, false, true, true, true, true, false, true, false, true, true, true, true, true, true, false] : null;
        var mask = allowed is null ? null : torch.tensor(allowed, [L, S]);
        var expected = ReferenceAttention(q.data<double>(), k.data<double>(), v.data<double>(), L, S, D, causal, allowed);
        var y = F_.scaled_dot_product_attention(q.view(1, 1, L, D), k.view(1, 1, S, D), v.view(1, 1, S, D), mask, causal, path);
        Assert.Equal([1L, 1, L, D], y.shape);
        var actual = y.data<double>();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-10);
        }
    }

    [Fact]
    public void FusedAndExplicitAttentionAgree()
    {
        using var scope = torch.NewDisposeScope();
        if (!F_.has_fused_attention)
        {
            Assert.Throws<TorchException>(() => F_.scaled_dot_product_attention(torch.ones([1, 2, 2]), torch.ones([1, 2, 2]),
                torch.ones([1, 2, 2]), null, false, AttentionPath.Fused));
            return;
        }

        using var g = new Generator(5);
        var q = torch.randn([2, 3, 5, 8], generator: g); // (B, nh, T, hs)
        var k = torch.randn([2, 3, 5, 8], generator: g);
        var v = torch.randn([2, 3, 5, 8], generator: g);
        var additive = torch.randn([5, 5], generator: g);
        var allowed = torch.rand([5, 5], generator: g).gt(0.3).logical_or(torch.ones([5, 5]).tril().gt(0.5));
        foreach (var (mask, causal) in new (Tensor?, bool)[] { (null, false), (null, true), (additive, false), (allowed, false) })
        {
            var fused = F_.scaled_dot_product_attention(q, k, v, mask, causal, AttentionPath.Fused);
            var plain = F_.scaled_dot_product_attention(q, k, v, mask, causal, AttentionPath.Explicit);
            Assert.True(fused.allclose(plain, rtol: 1e-4, atol: 1e-5), $"causal={causal} mask={mask is not null}");
        }
    }
}
