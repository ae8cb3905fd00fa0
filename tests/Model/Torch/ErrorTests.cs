using Pipeline.Model.Torch;
using F_ = Pipeline.Model.Torch.torch.nn.functional;

namespace Pipeline.Tests.Model.Torch;

/// <summary>Bad input reaches .NET as TorchException with libtorch's own message, and the process lives on.</summary>
public class ErrorTests
{
    private static void AssertMessage(Action a, string fragment)
    {
        var e = Assert.Throws<TorchException>(a);
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain("Exception raised from", e.Message); // no C++ backtrace
    }

    [Fact]
    public void ShapeMismatchCarriesLibtorchsMessage()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones([3]);
        var b = torch.ones([4]);
        AssertMessage(() => _ = a + b, "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0");
        AssertMessage(() => torch.ones([2, 3]).matmul(torch.ones([2, 2])), "cannot be multiplied (2x3 and 2x2)");
        AssertMessage(() => torch.ones([2, 3]).view(4), "shape '[4]' is invalid for input of size 6");
        // The binding keeps working after an error.
        Assert.Equal(6f, torch.ones([2, 3]).sum().item<float>());
    }

    [Fact]
    public void BadDtypeAndOutOfRange()
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.ones([3, 2]);
        AssertMessage(() => m.index_select(0, torch.ones([1])), "index_select(): Expected dtype int");
        AssertMessage(() => m.select(0, 10), "out of range");
        AssertMessage(() => m.transpose(0, 5), "Dimension out of range");
        AssertMessage(() => F_.embedding(torch.tensor(new long[] { 7 }), m), "index out of range");
        AssertMessage(() => m.sum(3), "Dimension out of range");
        AssertMessage(() => torch.multinomial(torch.tensor(new[] { -1f, 1f }), 1), "probability tensor contains either `inf`, `nan` or element < 0");
        AssertMessage(() => m.mm(torch.ones([2, 2], ScalarType.Int64)), "expected");
        Assert.Throws<TorchException>(() => torch.zeros([2], device: new Device(DeviceType.CUDA, 99)));
    }

    [Fact]
    public void UsingADisposedTensorIsAManagedError()
    {
        var t = torch.ones([2]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.exp());
        Assert.Throws<ObjectDisposedException>(() => torch.cat([t]));
    }
}
