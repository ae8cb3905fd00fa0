namespace Pipeline.Data.Verifiers;

public sealed class MathAnswerOptions
{
    public ExtractionOptions Extraction { get; set; } = new();

    /// <summary>Two non-integer values match when |a − b| ≤ max(RelativeTolerance·max(|a|,|b|), AbsoluteTolerance).</summary>
    public double RelativeTolerance { get; set; } = 1e-6;

    public double AbsoluteTolerance { get; set; } = 1e-9;

    /// <summary>Integers are compared exactly: with a relative tolerance 12345678 would equal 12345679.</summary>
    public bool ExactIntegers { get; set; } = true;

    /// <summary>Numbers with more digits are compared as text: parsing them costs more than they are worth.</summary>
    public int MaxDigits { get; set; } = MathNumber.DefaultMaxDigits;

    public double CorrectScore { get; set; } = 1.0;
    public double WrongScore { get; set; }
    public double NoAnswerScore { get; set; }

    public void Validate()
    {
        Extraction.Validate();
        if (!(RelativeTolerance >= 0) || !(AbsoluteTolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), "tolerances must be non-negative numbers");
        if (MaxDigits is < 1 or > 100_000)
            throw new ArgumentOutOfRangeException(nameof(MaxDigits), MaxDigits, "must lie in [1, 100000]");
    }
}
