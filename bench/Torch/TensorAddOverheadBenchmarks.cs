using BenchmarkDotNet.Attributes;
using Pipeline.Model.Torch;

namespace Pipeline.Bench.Torch;

/// <summary>
/// Per-op cost of a tiny add through the binding, next to the same libtorch call in a C++ loop
/// (the baseline): the ratio is the binding's overhead (P/Invoke, SafeHandle, dispose scope).
/// </summary>
[MemoryDiagnoser]
public class TensorAddOverheadBenchmarks
{
    private const int Ops = 1000;
    private Tensor _a = null!;
    private Tensor _b = null!;

    [Params(1, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _a = torch.ones([N]);
        _b = torch.ones([N]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops, Description = "C++ loop: at::add")]
    public double Cpp() => TorchRuntime.TimeNativeLoop(NativeLoopOp.Add, _a, _b, Ops);

    [Benchmark(OperationsPerInvoke = Ops, Description = "binding: using var c = a + b")]
    public void Binding()
    {
        for (var i = 0; i < Ops; i++)
        {
            using var c = _a + _b;
        }
    }

    [Benchmark(OperationsPerInvoke = Ops, Description = "binding: a + b in a dispose scope")]
    public void BindingInScope()
    {
        using var scope = torch.NewDisposeScope();
        for (var i = 0; i < Ops; i++)
        {
            _ = _a + _b;
        }
    }
}
