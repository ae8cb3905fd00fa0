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
