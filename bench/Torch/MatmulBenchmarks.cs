using BenchmarkDotNet.Attributes;
using Pipeline.Model.Torch;

namespace Pipeline.Bench.Torch;

/// <summary>
/// 1024 x 1024 matrix products through the binding against the same at::matmul in a C++ loop
/// (baseline). The binding should add nothing measurable: the ratio should be 1.00 within noise.
/// GFLOP/s = 2.147 / (mean in seconds).
/// </summary>
[MemoryDiagnoser]
public class MatmulBenchmarks
{
    private const int Size = 1024;
    private Tensor _a = null!;
    private Tensor _b = null!;

    [Params(ScalarType.Float32, ScalarType.BFloat16)]
    public ScalarType Type { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var g = new Generator(0);
        _a = torch.randn([Size, Size], Type, generator: g);
        _b = torch.randn([Size, Size], Type, generator: g);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Benchmark(Baseline = true, Description = "C++ loop: at::matmul")]
    public double Cpp() => TorchRuntime.TimeNativeLoop(NativeLoopOp.Matmul, _a, _b, 1);

    [Benchmark(Description = "binding: a.matmul(b)")]
    public void Binding()
    {
        using var c = _a.matmul(_b);
    }
}
