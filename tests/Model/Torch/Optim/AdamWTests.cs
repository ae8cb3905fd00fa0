using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;

namespace Pipeline.Tests.Model.Torch.Optim;

public class AdamWTests
{
    /// <summary>AdamW written out per element in doubles (Loshchilov and Hutter, with PyTorch's bias correction).</summary>
    private static void ReferenceStep(double[] p, double[] g, double[] m, double[] v, double lr, double b1, double b2, double eps,
        double wd, long t)
    {
        for (var i = 0; i < p.Length; i++)
        {
            p[i] -= lr * wd * p[i];
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            var mHat = m[i] / (1 - Math.Pow(b1, t));
            var vHat = v[i] / (1 - Math.Pow(b2, t));
            p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
        }
    }

    [Fact]
    public void MatchesTheReferenceOverSeveralSteps()
    {
        using var scope = torch.NewDisposeScope();
        double[] p0 = [0.5, -1.5, 2.0, 0.0];
        var p = torch.tensor(p0, requires_grad: true);
        using var opt = torch.optim.AdamW([p], lr: 0.1, beta1: 0.8, beta2: 0.95, eps: 1e-6, weight_decay: 0.1);
        var rp = (double[])p0.Clone();
        var rm = new double[4];
        var rv = new double[4];
        for (var t = 1; t <= 5; t++)
        {
            using var step = torch.NewDisposeScope();
            // loss = sum(p^3 + t p), gradient 3p^2 + t: it changes every step.
            var loss = (p.pow(3) + p * t).sum();
            opt.zero_grad();
            loss.backward();
            var g = rp.Select(x => 3 * x * x + t).ToArray();
            ReferenceStep(rp, g, rm, rv, 0.1, 0.8, 0.95, 1e-6, 0.1, t);
            opt.step();
            var actual = p.data<double>();
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(rp[i], actual[i], 1e-12);
            }
        }

        Assert.Equal(5, opt.StepCount);
        Assert.False(opt.ExpAvg(0)!.IsInvalid);
    }

    [Fact]
    public void SkipsParametersWithoutGradients()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones([2], requires_grad: true);
        var b = torch.ones([2], requires_grad: true);
        using var opt = new AdamW([a, b], lr: 0.1, weight_decay: 0);
        (a * 2).sum().backward();
        opt.step();
        Assert.Equal([1f, 1f], b.data<float>());
        Assert.Null(opt.ExpAvg(1));
        Assert.All(a.data<float>(), x => Assert.Equal(0.9f, x, 1e-6f));
    }

    [Fact]
    public void ClipsTheGlobalGradientNorm()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.zeros([2], requires_grad: true);
        var b = torch.zeros([1], requires_grad: true);
        var c = torch.zeros([1], requires_grad: true); // no gradient: ignored
        a.grad = torch.tensor(new[] { 3f, 0f });
        b.grad = torch.tensor(new[] { 4f });
        var norm = torch.nn.utils.clip_grad_norm_([a, b, c], 1.0);
        Assert.Equal(5.0, norm, 1e-6);
        // Scaled by 1 / (5 + 1e-6), as torch.nn.utils.clip_grad_norm_ does.
        Assert.Equal(0.6f, a.grad!.data<float>()[0], 1e-5f);
        Assert.Equal(0.8f, b.grad!.data<float>()[0], 1e-5f);
        // Below the threshold nothing changes.
        Assert.Equal(1.0, torch.nn.utils.clip_grad_norm_([a, b], 10.0), 1e-5);
        Assert.Equal(0.6f, a.grad!.data<float>()[0], 1e-5f);
    }

    [Fact]
    public void StateRoundTripsThroughSaveAndLoad()
    {
        using var scope = torch.NewDisposeScope();
        static Tensor Loss(Tensor w) => (w * w * w).sum() + w.sum();

        var w1 = torch.tensor(new[] { 0.3, -0.7, 1.1 }, requires_grad: true);
        using var opt1 = new AdamW([w1], lr: 0.05);
        for (var i = 0; i < 3; i++)
        {
            opt1.zero_grad();
            Loss(w1).backward();
            opt1.step();
        }

        var saved = new MemoryStream();
        opt1.Save(saved);
        var w2 = w1.detach().clone().requires_grad_();
        using var opt2 = new AdamW([w2], lr: 0.9);
        saved.Position = 0;
        opt2.Load(saved);
        Assert.Equal(3, opt2.StepCount);
        Assert.Equal(0.05, opt2.LearningRate);
        Assert.True(opt1.ExpAvgSq(0)!.equal(opt2.ExpAvgSq(0)!));

        foreach (var (w, opt) in new[] { (w1, opt1), (w2, opt2) })
        {
            for (var i = 0; i < 2; i++)
            {
                opt.zero_grad();
                Loss(w).backward();
                opt.step();
            }
        }

        Assert.True(w1.equal(w2));

        var wrong = new AdamW([torch.zeros([2], requires_grad: true)]);
        saved.Position = 0;
        Assert.Throws<InvalidDataException>(() => wrong.Load(saved));
        Assert.Throws<InvalidDataException>(() => wrong.Load(new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8])));
    }

    [Fact]
    public void TensorSerializerRoundTripsEveryType()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var t in new[] { ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float16, ScalarType.Int64, ScalarType.Int32, ScalarType.Bool })
        {
            var x = torch.arange(6, ScalarType.Float32).view(2, 3).to(t);
            var ms = new MemoryStream();
            TensorSerializer.Write(new BinaryWriter(ms), x);
            ms.Position = 0;
            var y = TensorSerializer.Read(new BinaryReader(ms));
            Assert.Equal(t, y.dtype);
            Assert.True(x.equal(y), t.ToString());
        }
    }
}
