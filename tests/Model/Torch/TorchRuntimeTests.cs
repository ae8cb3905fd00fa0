using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Torch;

public class TorchRuntimeTests
{
    [Fact]
    public void LoadsLibtorchOfSupportedVersion()
    {
        var parts = TorchRuntime.Version.Split('.', '+');
        var version = new Version(int.Parse(parts[0]), int.Parse(parts[1]));
        Assert.True(version >= new Version(1, 13), $"libtorch {TorchRuntime.Version} is older than 1.13");
        Assert.Equal(TorchRuntime.AbiVersion, TorchRuntime.NativeAbiVersion);
        Assert.True(File.Exists(TorchRuntime.LibraryPath), TorchRuntime.LibraryPath);
    }

    [Fact]
    public void ThreadCountIsSettable()
    {
        var before = TorchRuntime.IntraOpThreads;
        try
        {
            TorchRuntime.IntraOpThreads = 1;
            Assert.Equal(1, TorchRuntime.IntraOpThreads);
        }
        finally
        {
            TorchRuntime.IntraOpThreads = before;
        }
    }

    [Fact]
    public void ListsCpuFirst() => Assert.Equal("cpu", TorchRuntime.Devices[0]);

    [Fact]
    public void NativeErrorsBecomeManagedExceptions()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.IntraOpThreads = 0);
        // A CUDA device that does not exist: libtorch's own message must come through.
        var device = TorchRuntime.CudaDeviceCount;
        var e = Assert.ThrowsAny<Exception>(() => TorchRuntime.MeasureMatmulGflops(8, MatmulType.Float32, 1, device));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void MeasuresMatmulRate() =>
        Assert.InRange(TorchRuntime.MeasureMatmulGflops(64, MatmulType.Float32, 4), 1e-6, 1e7);

    [Fact]
    public void TimesTheSameOpInACppLoop()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones([4, 4]);
        Assert.InRange(TorchRuntime.TimeNativeLoop(NativeLoopOp.Add, a, a, 10), 1e-3, 1e9);
        Assert.InRange(TorchRuntime.TimeNativeLoop(NativeLoopOp.Matmul, a, a, 2), 1e-3, 1e9);
        Assert.Throws<TorchException>(() => TorchRuntime.TimeNativeLoop(NativeLoopOp.Matmul, a, torch.ones([3, 3]), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.TimeNativeLoop(NativeLoopOp.Add, a, a, 0));
    }
}
