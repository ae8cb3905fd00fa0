namespace Pipeline.Data.Verifiers;

public sealed class CountdownOptions
{
    /// <summary>Answer tag, then boxed, then "the answer is"; a last-number fallback would read "= 24" as an expression.</summary>
    public ExtractionOptions Extraction { get; set; } = new() { UseLastNumber = false };

    /// <summary>Every given number must be used exactly once (TinyZero's rule); otherwise at most once (the game's rule).</summary>
    public bool RequireAllNumbers { get; set; }

    public int MaxExpressionChars { get; set; } = 256;
    public int MaxDepth { get; set; } = 32;
    public int MaxNumberDigits { get; set; } = 9;

    public double CorrectScore { get; set; } = 1.0;

    /// <summary>A well-formed expression with legal numbers that misses the target (TinyZero gives 0.1 for format).</summary>
    public double WrongValueScore { get; set; }

    public double InvalidScore { get; set; }

    public void Validate()
    {
        Extraction.Validate();
        if (MaxExpressionChars < 1 || MaxDepth < 1 || MaxNumberDigits is < 1 or > 18)
            throw new ArgumentOutOfRangeException(nameof(MaxExpressionChars), "need MaxExpressionChars >= 1, MaxDepth >= 1, MaxNumberDigits in [1, 18]");
    }
}
