using Pipeline.Model.Torch;
using static Pipeline.Tests.Model.Torch.TorchAssert;

namespace Pipeline.Tests.Model.Torch;

public class AutogradTests
{
    [Fact]
    public void BackwardOfAScalarFillsLeafGradients()
    {
        using var scope = torch.NewDisposeScope();
        var x = F([1, 2, 3]).requires_grad_();
        Assert.True(x.requires_grad);
        Assert.True(x.is_leaf);
        Assert.Null(x.grad);
        var y = (x * x).sum(); // dy/dx = 2x
        Assert.False(y.is_leaf);
        y.backward();
        Values(x.grad!, [3], [2, 4, 6]);

        // Gradients accumulate until zeroed.
        (x * 3).sum().backward();
        Values(x.grad!, [3], [5, 7, 9]);
        x.zero_grad(set_to_none: false);
        Values(x.grad!, [3], [0, 0, 0]);
        x.zero_grad();
        Assert.Null(x.grad);
        x.grad = F([1, 1, 1]);
        Values(x.grad!, [3], [1, 1, 1]);
        x.grad = null;
        Assert.Null(x.grad);
    }

    [Fact]
    public void BackwardWithAnExplicitGradient()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 1f, 2f }, requires_grad: true);
        var y = x.exp();
        y.backward(F([1, 0.5f]));
        Values(x.grad!, [2], [MathF.Exp(1), 0.5f * MathF.Exp(2)]);
        // A non-scalar output without a gradient is libtorch's error, not a crash.
        var e = Assert.Throws<TorchException>(() => x.exp().backward());
        Assert.Contains("scalar", e.Message);
    }

    [Fact]
    public void RetainGraphAndRetainGrad()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 2f }, requires_grad: true);
        var h = (x * x).retain_grad();
        var y = h * 3;
        y.backward(F([1]), retain_graph: true);
        y.backward(F([1]));
        Values(x.grad!, [1], [24]);
        Values(h.grad!, [1], [6]);
    }

    [Fact]
    public void NoGradAndInferenceScopes()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2], requires_grad: true);
        Assert.True(torch.is_grad_enabled());
        using (torch.no_grad())
        {
            Assert.False(torch.is_grad_enabled());
            Assert.False((x * 2).requires_grad);
            using (torch.enable_grad())
            {
                Assert.True((x * 2).requires_grad);
            }

            Assert.False(torch.is_grad_enabled());
        }

        Assert.True(torch.is_grad_enabled());
        Assert.True((x * 2).requires_grad);

        using (torch.inference_mode())
        {
            Assert.True(torch.is_inference_mode_enabled());
            Assert.False((x * 2).requires_grad);
        }

        Assert.False(torch.is_inference_mode_enabled());
        // In-place updates of a leaf are allowed only without recording.
        Assert.Throws<TorchException>(() => x.add_(1.0));
        using (torch.no_grad())
        {
            x.add_(1.0);
        }

        Values(x, [2], [2, 2]);
    }

    [Fact]
    public void DetachCutsTheGraph()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 3f }, requires_grad: true);
        var y = x * x.detach(); // d/dx = x.detach() = 3, not 2x
        y.sum().backward();
        Values(x.grad!, [1], [3]);
    }
}
