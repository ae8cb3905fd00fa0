namespace Pipeline.Data.Verifiers;

public sealed class OverlongOptions
{
    /// <summary>L_max: the generation limit (tokens, or chars when token counts are unknown).</summary>
    public int MaxLength { get; set; } = 4096;

    /// <summary>L_cache: the soft buffer before L_max in which the penalty ramps from 0 to −1.</summary>
    public int BufferLength { get; set; } = 512;

    /// <summary>Scales the penalty (verl's overlong_penalty_factor); DAPO uses 1.</summary>
    public double PenaltyFactor { get; set; } = 1.0;

    public void Validate()
    {
        if (BufferLength <= 0 || MaxLength < BufferLength)
            throw new ArgumentOutOfRangeException(nameof(BufferLength), $"need 0 < BufferLength <= MaxLength, got BufferLength={BufferLength}, MaxLength={MaxLength}");
        if (!double.IsFinite(PenaltyFactor) || PenaltyFactor < 0)
            throw new ArgumentOutOfRangeException(nameof(PenaltyFactor), PenaltyFactor, "must be a non-negative finite number");
    }
}

/// <summary>
/// "overlong": DAPO's soft overlong punishment (arXiv 2503.14476, eq. 13):
/// 0 for |y| ≤ L_max − L_cache; ((L_max − L_cache) − |y|) / L_cache inside the buffer; −1 beyond L_max.
/// </summary>
public sealed class OverlongShapingVerifier : IVerifier
{
    public const string DefaultName = "overlong";
    private readonly OverlongOptions _options;

    public OverlongShapingVerifier(OverlongOptions? options = null, string name = DefaultName)
    {
        _options = options ?? new OverlongOptions();
        _options.Validate();
        Name = name;
    }

    public string Name { get; }

    public static double Penalty(int length, int maxLength, int bufferLength)
    {
        var expected = maxLength - bufferLength;
        if (length <= expected)
            return 0.0;
        if (length <= maxLength)
            return (expected - (double)length) / bufferLength;
        return -1.0;
    }

    public VerifierResult Verify(in VerifyInput input)
    {
        var length = input.EffectiveLength;
        var value = _options.PenaltyFactor * Penalty(length, _options.MaxLength, _options.BufferLength);
        var zone = length <= _options.MaxLength - _options.BufferLength ? "below buffer" : length <= _options.MaxLength ? "in buffer" : "over limit";
        return VerifierResult.Of(Name, value == 0 ? 0.0 : value, $"length {length} {zone} (max {_options.MaxLength}, buffer {_options.BufferLength})");
    }
}
