namespace Pipeline.Data.Verifiers;

/// <summary>
/// A verifier's verdict: the score, a reason that is never empty, and one part per component
/// (a single-component verifier has exactly one part) so every component can be logged on its own.
/// </summary>
public sealed record VerifierResult(double Score, string Reason, IReadOnlyList<RewardPart> Parts)
{
    public static VerifierResult Of(string name, double score, string reason) =>
        new(score, reason, [new RewardPart(name, score, 1.0, reason)]);
}
