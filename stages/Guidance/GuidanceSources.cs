using Pipeline.Stages.Algorithms;

namespace Pipeline.Stages.Guidance;

/// <summary>The guidance sources under their config names (guidance.source).</summary>
public static class GuidanceSources
{
    public static ComponentRegistry<IGuidanceSource, GuidanceOptions> Registry { get; } =
        new ComponentRegistry<IGuidanceSource, GuidanceOptions>("guidance source")
            .Register("tiered", _ => new TieredHintSource())
            .Register("solution_prefix", o => new SolutionPrefixSource(o))
            .Register("expo", _ => new ExpoSource());

    public static IGuidanceSource Create(GuidanceOptions options) => Registry.Create(options.Source, options);
}
