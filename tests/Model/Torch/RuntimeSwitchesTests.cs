using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Torch;

/// <summary>Skips a test where no CUDA device exists, instead of failing it.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (TorchRuntime.CudaDeviceCount == 0)
        {
            Skip = "no CUDA device (or the shim was built against a CPU-only libtorch)";
        }
    }
}

[Collection(SerialTorchCollection.Name)]
public class RuntimeSwitchesTests
{
    [Fact]
    public void DeterministicModeTogglesAndRepeatsResults()
    {
        var before = torch.are_deterministic_algorithms_enabled();
        try
        {
            torch.use_deterministic_algorithms(true);
            Assert.True(torch.are_deterministic_algorithms_enabled());
            using var scope = torch.NewDisposeScope();
            float Run()
            {
                torch.manual_seed(123);
                var w = torch.randn([16, 16], requires_grad: true);
                var loss = (w.matmul(torch.randn([16, 16])).tanh() * torch.rand([16, 16])).sum();
                loss.backward();
                return w.grad!.sum().item<float>() + loss.item<float>();
            }

            Assert.Equal(Run(), Run());
        }
        finally
        {
            torch.use_deterministic_algorithms(before);
        }
    }

    [Fact]
    public void GlobalSeedMakesDrawsRepeatable()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var a = torch.rand([10]);
        torch.manual_seed(7);
        var b = torch.rand([10]);
        Assert.True(a.equal(b));
    }

    [Fact]
    public void FusedAttentionAvailabilityIsReported() =>
        Assert.Equal(new Version(TorchRuntime.Version.Split('+')[0]) >= new Version(1, 13), torch.nn.functional.has_fused_attention);

    [CudaFact]
    public void CudaTensorsComputeAndCopyBack()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new[] { 1f, 2f, 3f }).cuda();
        Assert.Equal(DeviceType.CUDA, a.device.type);
        var b = (a * 2 + 1).softmax(0).cpu();
        var expected = torch.tensor(new[] { 3f, 5f, 7f }).softmax(0);
        Assert.True(b.allclose(expected));
        var m = torch.randn([64, 64], device: torch.device("cuda:0"), generator: new Generator(1, torch.device("cuda:0")));
        Assert.True(m.matmul(m).cpu().allclose(m.cpu().matmul(m.cpu()), rtol: 1e-3, atol: 1e-3));
    }
}
