namespace Pipeline.Stages.Guidance;

/// <summary>
/// How hinted rollouts enter the loss. <see cref="PlainTrainingContext"/>: the loss conditions on
/// the prompt without the hint. <see cref="BehaviourDenominator"/>: the importance ratio's
/// denominator is the behaviour (hinted) log-prob, so the ratio is π_θ(y|x) / π_old(y|x,hint)
/// (Guide). <see cref="Imitation"/>: hinted rows leave the policy loss and their successes feed the
/// SFT term (algorithm.sft_coef).
/// </summary>
public sealed record GuidanceTreatment(string Name, bool PlainTrainingContext, bool BehaviourDenominator, bool Imitation);

/// <summary>The loss treatments under their config names (guidance.treatment).</summary>
public static class GuidanceTreatments
{
    /// <summary>NuRL-like: ordinary samples, trained under the hinted context they were generated in.</summary>
    public static GuidanceTreatment OnPolicy { get; } = new("on_policy", PlainTrainingContext: false, BehaviourDenominator: false, Imitation: false);

    /// <summary>
    /// Guide: trained under the plain prompt with the PPO ratio r_t = π_θ(y_t | x, y_&lt;t) / π_old(y_t | x, hint, y_&lt;t),
    /// clipped to [1 − clip_low, 1 + clip_high] (and dual-clipped at clip_c for negative advantages) by the policy loss.
    /// Forced prefix tokens have behaviour log-prob 0 (the guide emits them with certainty), so their ratio is π_θ(y_t|x).
    /// </summary>
    public static GuidanceTreatment Importance { get; } = new("importance", PlainTrainingContext: true, BehaviourDenominator: true, Imitation: false);

    /// <summary>GHPO / ReLIFT: an NLL term on successful hinted completions under the plain prompt, weighted by algorithm.sft_coef.</summary>
    public static GuidanceTreatment Sft { get; } = new("sft", PlainTrainingContext: true, BehaviourDenominator: false, Imitation: true);

    private static readonly Dictionary<string, GuidanceTreatment> ByName = new[] { OnPolicy, Importance, Sft }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static IReadOnlyList<string> Names { get; } = [.. ByName.Keys.Order(StringComparer.Ordinal)];

    public static GuidanceTreatment Get(string name) =>
        ByName.TryGetValue(name, out var t) ? t : throw new Algorithms.UnknownComponentException("guidance treatment", name, Names);
}
