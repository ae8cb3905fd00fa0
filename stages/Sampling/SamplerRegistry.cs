using Pipeline.Data.Problems;
using Pipeline.Stages.Algorithms;
using Pipeline.Stages.Graph;

namespace Pipeline.Stages.Sampling;

/// <summary>What a prompt sampler is built from.</summary>
public sealed record SamplerContext(IReadOnlyList<Problem> Pool, ulong Seed, SamplerOptions Options);

/// <summary>The prompt samplers under their config names (sampler.name).</summary>
public static class SamplerRegistry
{
    public static ComponentRegistry<IPromptSampler, SamplerContext> Default { get; } =
        new ComponentRegistry<IPromptSampler, SamplerContext>("prompt sampler")
            .Register("uniform", c => new UniformPromptSampler(c.Pool, c.Seed, c.Options))
            .Register("pass_rate_window", c => new PassRateWindowSampler(c.Pool, c.Seed, c.Options))
            .Register("cures", c => new CuresSampler(c.Pool, c.Seed, c.Options));

    public static IPromptSampler Create(IReadOnlyList<Problem> pool, ulong seed, SamplerOptions options) =>
        Default.Create(options.Name, new SamplerContext(pool, seed, options));
}
