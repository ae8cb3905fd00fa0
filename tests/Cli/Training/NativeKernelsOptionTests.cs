using Pipeline.Cli.Configuration;
using Pipeline.Cli.Training;
using Pipeline.Stages.Policy;

namespace Pipeline.Tests.Cli.Training;

public class NativeKernelsOptionTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ALlamaPolicyAndItsClonesFollowModelNativeKernels(bool on)
    {
        var config = new RunConfig
        {
            Model = new ModelSection { Type = "llama", Dim = 16, Hidden = 32, Layers = 1, Heads = 2, KvHeads = 1, NativeKernels = on },
        };
        using var policy = Assert.IsType<LlamaPolicy>(TrainingRun.CreatePolicy(config, TrainingRun.CreateTokenizer()));
        Assert.Equal(on, policy.Model.UseNativeKernel);
        using var clone = Assert.IsType<LlamaPolicy>(policy.Clone());
        Assert.Equal(on, clone.Model.UseNativeKernel);
    }
}
