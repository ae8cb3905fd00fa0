namespace Pipeline.Data.Verifiers;

/// <summary>Options for every built-in verifier, one section per component; defaults are usable as they are.</summary>
public sealed class VerifierOptions
{
    public MathAnswerOptions Math { get; set; } = new();
    public ExactAnswerOptions Exact { get; set; } = new();
    public CountdownOptions Countdown { get; set; } = new();
    public FormatOptions Format { get; set; } = new();
    public LengthPenaltyOptions LengthPenalty { get; set; } = new();
    public OverlongOptions Overlong { get; set; } = new();
}
