namespace Pipeline.Data.Verifiers;

/// <summary>Which answer markers to look for, in priority order answer tag → boxed → "the answer is" → last number.</summary>
public sealed class ExtractionOptions
{
    /// <summary>Only the last this-many characters are searched: answers come at the end, and it bounds the work on a 1 MB completion.</summary>
    public int MaxScanChars { get; set; } = 16_384;

    /// <summary>A longer answer is reported as too long rather than normalised and compared.</summary>
    public int MaxAnswerChars { get; set; } = 1_024;

    public bool UseAnswerTag { get; set; } = true;
    public bool UseBoxed { get; set; } = true;
    public bool UseAnswerIs { get; set; } = true;
    public bool UseLastNumber { get; set; } = true;

    /// <summary>When no marker is found, take the whole (trimmed, scanned) completion; for short-answer tasks.</summary>
    public bool UseWholeCompletion { get; set; }

    public void Validate()
    {
        if (MaxScanChars < 16)
            throw new ArgumentOutOfRangeException(nameof(MaxScanChars), MaxScanChars, "must be at least 16");
        if (MaxAnswerChars < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxAnswerChars), MaxAnswerChars, "must be positive");
    }
}
