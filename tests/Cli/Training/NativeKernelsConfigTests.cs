using Pipeline.Cli.Configuration;
using Pipeline.Cli.Training;
using Pipeline.Stages.Policy;
using Pipeline.Tests.TestSupport;

namespace Pipeline.Tests.Cli.Training;

/// <summary>model.native_kernels reaches the llama policy's generator, and clones keep it.</summary>
public class NativeKernelsConfigTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void TheSwitchReachesTheModel(string? value, bool expected)
    {
        string[] overrides = value is null ? [] : [$"model.native_kernels={value}"];
        var config = RunConfigLoader.Load(RepoRoot.Path("configs", "llama_arithmetic.json"), overrides);
        using var policy = (LlamaPolicy)TrainingRun.CreatePolicy(config, TrainingRun.CreateTokenizer(config));
        Assert.Equal(expected, policy.Model.UseNativeKernel);
        using var clone = (LlamaPolicy)policy.Clone();
        Assert.Equal(expected, clone.Model.UseNativeKernel);
    }
}
