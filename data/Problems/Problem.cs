namespace Pipeline.Data.Problems;

/// <summary>
/// One problem with a checkable answer. <see cref="Hints"/> are tiered from abstract to concrete
/// (guidance stages reveal them one tier at a time); <see cref="Solution"/> is a full reference
/// completion in the task's <c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c> format,
/// usable for supervised warm starts. <see cref="Metadata"/> carries what a verifier needs beyond
/// the answer (Countdown's numbers and target, the verifier name for mixed datasets).
/// </summary>
public sealed record Problem
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public required string Id { get; init; }
    public required string Prompt { get; init; }
    public required string Answer { get; init; }
    public required string Task { get; init; }
    public double Difficulty { get; init; }
    public IReadOnlyList<string> Hints { get; init; } = [];
    public string? Solution { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;

    /// <summary>Metadata key naming the verifier that checks this problem's answer.</summary>
    public const string VerifierKey = "verifier";

    public string? GetMetadata(string key) => Metadata.TryGetValue(key, out var v) ? v : null;
}
