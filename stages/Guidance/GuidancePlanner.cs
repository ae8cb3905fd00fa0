using Pipeline.Data.Problems;

namespace Pipeline.Stages.Guidance;

/// <summary>
/// Builds the payload of a guided retry from the configured source and treatment: the generation
/// context is the prompt plus the source's hint; the training context is the plain prompt when the
/// treatment trains without the hint, else the generation context.
/// </summary>
public sealed class GuidancePlanner(IGuidanceSource source, GuidanceTreatment treatment, bool keepFailures = false)
{
    public static GuidancePlanner Create(GuidanceOptions options) =>
        new(GuidanceSources.Create(options), GuidanceTreatments.Get(options.Treatment), options.KeepFailures);

    /// <summary>guidance.keep_failures: the unguided failures join the kept guided group.</summary>
    public bool KeepFailures => keepFailures;

    public IGuidanceSource Source => source;

    public GuidanceTreatment Treatment => treatment;

    public bool HasTier(Problem problem, int tier) => tier >= 0 && tier < source.Tiers(problem);

    public GuidancePayload Payload(Problem problem, int tier, double passRate)
    {
        var (hint, prefix) = source.Help(problem, tier, passRate);
        string generation = problem.Prompt + hint;
        return new GuidancePayload(source.Name, tier, generation, prefix, treatment.PlainTrainingContext ? problem.Prompt : generation)
        {
            Treatment = treatment.Name,
        };
    }
}
