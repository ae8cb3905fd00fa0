namespace Pipeline.Data.Verifiers;

public sealed class LengthPenaltyOptions
{
    /// <summary>No penalty up to this length (tokens, or chars when token counts are unknown).</summary>
    public int TargetLength { get; set; }

    /// <summary>The full penalty is reached here.</summary>
    public int MaxLength { get; set; } = 1024;

    public double Coefficient { get; set; } = 1.0;

    public void Validate()
    {
        if (TargetLength < 0 || MaxLength <= TargetLength)
            throw new ArgumentOutOfRangeException(nameof(MaxLength), $"need 0 <= TargetLength < MaxLength, got TargetLength={TargetLength}, MaxLength={MaxLength}");
        if (!double.IsFinite(Coefficient) || Coefficient < 0)
            throw new ArgumentOutOfRangeException(nameof(Coefficient), Coefficient, "must be a non-negative finite number");
    }
}

/// <summary>"length_penalty": −Coefficient · clamp((|y| − Target) / (Max − Target), 0, 1).</summary>
public sealed class LengthPenaltyVerifier : IVerifier
{
    public const string DefaultName = "length_penalty";
    private readonly LengthPenaltyOptions _options;

    public LengthPenaltyVerifier(LengthPenaltyOptions? options = null, string name = DefaultName)
    {
        _options = options ?? new LengthPenaltyOptions();
        _options.Validate();
        Name = name;
    }

    public string Name { get; }

    public static double Penalty(int length, int targetLength, int maxLength, double coefficient)
    {
        var fraction = Math.Clamp((length - (double)targetLength) / (maxLength - targetLength), 0.0, 1.0);
        return fraction == 0 ? 0.0 : -coefficient * fraction;
    }

    public VerifierResult Verify(in VerifyInput input)
    {
        var length = input.EffectiveLength;
        var value = Penalty(length, _options.TargetLength, _options.MaxLength, _options.Coefficient);
        return VerifierResult.Of(Name, value, $"length {length} (target {_options.TargetLength}, max {_options.MaxLength})");
    }
}
