using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Torch;

[Collection(SerialTorchCollection.Name)]
public class DisposeScopeTests
{
    [Fact]
    public void FreesEveryTemporaryMadeInside()
    {
        var before = TorchRuntime.LiveTensors;
        Tensor a, b;
        using (var scope = torch.NewDisposeScope())
        {
            a = torch.ones([3]);
            b = (a + a) * 2;
            Assert.Same(scope, DisposeScope.Current);
            Assert.Equal(3, scope.Count);
        }

        Assert.True(a.IsInvalid);
        Assert.True(b.IsInvalid);
        Assert.Null(DisposeScope.Current);
        Assert.Equal(before, TorchRuntime.LiveTensors);
        Assert.Throws<ObjectDisposedException>(() => a.sum());
    }

    [Fact]
    public void MovesResultsOutAndDetaches()
    {
        using var outer = torch.NewDisposeScope();
        Tensor kept, detached, dropped;
        using (torch.NewDisposeScope())
        {
            dropped = torch.ones([2]);
            kept = (dropped * 3).MoveToOuterDisposeScope();
            detached = torch.zeros([1]).DetachFromDisposeScope();
        }

        Assert.True(dropped.IsInvalid);
        Assert.False(kept.IsInvalid);
        Assert.Equal([3f, 3f], kept.data<float>());
        Assert.Equal(1, outer.Count);
        outer.Dispose();
        Assert.True(kept.IsInvalid);
        Assert.False(detached.IsInvalid);
        detached.Dispose();
        Assert.True(detached.IsInvalid);
    }

    [Fact]
    public void MovingOutOfTheOutermostScopeLeavesTheCallerOwning()
    {
        Tensor t;
        using (torch.NewDisposeScope())
        {
            t = torch.ones([1]).MoveToOuterDisposeScope();
        }

        Assert.False(t.IsInvalid);
        t.Dispose();
    }

    [Fact]
    public void DisposeEverythingButKeepsTheNamedTensors()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones([1]);
        var b = torch.ones([1]);
        var c = a + b;
        scope.DisposeEverythingBut(c);
        Assert.True(a.IsInvalid);
        Assert.True(b.IsInvalid);
        Assert.False(c.IsInvalid);
        scope.Dispose();
        Assert.True(c.IsInvalid);
    }

    [Fact]
    public void ExplicitDisposeInsideAScopeIsHarmless()
    {
        var before = TorchRuntime.LiveTensors;
        using (torch.NewDisposeScope())
        {
            using var t = torch.ones([1]);
            t.Dispose();
        }

        Assert.Equal(before, TorchRuntime.LiveTensors);
    }

    [Fact]
    public void ScopesBelongToTheirThread()
    {
        using var scope = torch.NewDisposeScope();
        Tensor? other = null;
        var thread = new Thread(() => other = torch.ones([1]));
        thread.Start();
        thread.Join();
        scope.Dispose();
        Assert.False(other!.IsInvalid);
        other.Dispose();
    }

    [Fact]
    public void OutOfOrderDisposalIsRefused()
    {
        var outer = torch.NewDisposeScope();
        var inner = torch.NewDisposeScope();
        Assert.Throws<InvalidOperationException>(outer.Dispose);
        inner.Dispose();
        outer.Dispose();
        Assert.Null(DisposeScope.Current);
    }

    [Fact]
    public void ViewsOutliveTheirBase()
    {
        using var scope = torch.NewDisposeScope();
        var baseTensor = torch.arange(4, ScalarType.Float32);
        var view = baseTensor.view(2, 2);
        baseTensor.Dispose();
        Assert.Equal([0f, 1, 2, 3], view.data<float>());
    }
}
