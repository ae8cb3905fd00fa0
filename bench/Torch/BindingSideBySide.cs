using System.Diagnostics;
using System.Globalization;
using Pipeline.Model.Torch;

namespace Pipeline.Bench.Torch;

/// <summary>
/// `Pipeline.Bench binding-side-by-side [--rounds N] [--ops N]`: the binding and the C++ loop
/// timed in alternating rounds of one process, reporting the 10th percentile of each. On a busy
/// machine BenchmarkDotNet's separate runs drift apart; alternating rounds see the same load.
/// </summary>
public static class BindingSideBySide
{
    public static int Run(string[] args)
    {
        var rounds = Option(args, "--rounds", 41);
        var ops = Option(args, "--ops", 2000);
        torch.set_num_threads(1);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"binding vs C++ loop, {rounds} alternating rounds, 10th percentile");
        foreach (var n in new[] { 1, 1024 })
        {
            using var a = torch.ones([n]);
            using var b = torch.ones([n]);
            var (cpp, binding) = Alternate(rounds,
                () => TorchRuntime.TimeNativeLoop(NativeLoopOp.Add, a, b, ops),
                () =>
                {
                    var clock = Stopwatch.StartNew();
                    for (var i = 0; i < ops; i++)
                    {
                        using var c = a + b;
                    }

                    return clock.Elapsed.TotalNanoseconds / ops;
                });
            Console.WriteLine(string.Format(inv, "add, {0,5} elements: C++ {1,8:F0} ns  binding {2,8:F0} ns  ratio {3:F2}x", n, cpp, binding, binding / cpp));
        }

        using var x = torch.randn([1024, 1024]);
        using var y = torch.randn([1024, 1024]);
        foreach (var (type, name) in new[] { (MatmulType.Float32, "fp32"), (MatmulType.BFloat16, "bf16") })
        {
            using var xa = type == MatmulType.BFloat16 ? x.to(ScalarType.BFloat16) : x.alias();
            using var ya = type == MatmulType.BFloat16 ? y.to(ScalarType.BFloat16) : y.alias();
            const double flops = 2.0 * 1024 * 1024 * 1024;
            var (cpp, binding) = Alternate(Math.Max(5, rounds / 4),
                () => TorchRuntime.TimeNativeLoop(NativeLoopOp.Matmul, xa, ya, 4),
                () =>
                {
                    var clock = Stopwatch.StartNew();
                    for (var i = 0; i < 4; i++)
                    {
                        using var c = xa.matmul(ya);
                    }

                    return clock.Elapsed.TotalNanoseconds / 4;
                });
            Console.WriteLine(string.Format(inv, "matmul 1024² {0}: C++ {1,6:F1} GFLOP/s  binding {2,6:F1} GFLOP/s  ratio {3:F2}x", name, flops / cpp, flops / binding, cpp / binding));
        }

        return 0;
    }

    /// <summary>Runs both measurements in turn, after a warm-up of each, and returns each one's 10th percentile (ns per op).</summary>
    private static (double First, double Second) Alternate(int rounds, Func<double> first, Func<double> second)
    {
        first();
        second();
        var a = new List<double>();
        var b = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            a.Add(first());
            b.Add(second());
        }

        static double P10(List<double> v) => v.Order().ElementAt(v.Count / 10);
        return (P10(a), P10(b));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
