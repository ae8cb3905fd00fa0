using System.Diagnostics;
using Pipeline.Model.Torch;
using Pipeline.Model.Torch.Optim;
using F_ = Pipeline.Model.Torch.torch.nn.functional;

namespace Pipeline.Tests.Model.Torch;

[Collection(SerialTorchCollection.Name)]
public class LeakTests
{
    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }

        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    [Fact]
    public void TrainingStepsInDisposeScopesDoNotLeak()
    {
        const int Warmup = 2_000, Iterations = 100_000;
        using var g = new Generator(1);
        using var w1 = (torch.randn([32, 16], generator: g) * 0.1).requires_grad_();
        using var w2 = (torch.randn([4, 32], generator: g) * 0.1).requires_grad_();
        using var x = torch.randn([8, 16], generator: g);
        using var y = torch.randint(0, 4, [8], generator: g);
        using var opt = new AdamW([w1, w2], lr: 1e-3);

        var live = 0L;
        var baseline = 0L;
        float first = 0, last = 0;
        for (var i = 0; i < Warmup + Iterations; i++)
        {
            if (i == Warmup)
            {
                baseline = ResidentBytes();
                live = TorchRuntime.LiveTensors;
            }

            using var scope = torch.NewDisposeScope();
            var loss = F_.cross_entropy(F_.linear(F_.silu(F_.linear(x, w1)), w2), y);
            opt.zero_grad();
            loss.backward();
            torch.nn.utils.clip_grad_norm_([w1, w2], 1.0);
            opt.step();
            if (i == 0)
            {
                first = loss.item<float>();
            }
            else if (i == Warmup + Iterations - 1)
            {
                last = loss.item<float>();
            }
        }

        // Every temporary was freed by its scope, not left to the finalizer.
        Assert.Equal(live, TorchRuntime.LiveTensors);
        var growth = ResidentBytes() - baseline;
        Assert.True(growth < 100L << 20, $"resident memory grew by {growth >> 20} MB over {Iterations} steps");
        Assert.True(last < first, $"loss did not fall: {first} -> {last}");
    }
}
