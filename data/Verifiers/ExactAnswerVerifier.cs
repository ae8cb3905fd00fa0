namespace Pipeline.Data.Verifiers;

public sealed class ExactAnswerOptions
{
    /// <summary>Answer tag, then boxed, then the whole completion; numbers-only fallbacks are off because exact answers are often words.</summary>
    public ExtractionOptions Extraction { get; set; } = new() { UseAnswerIs = false, UseLastNumber = false, UseWholeCompletion = true };

    public bool CaseSensitive { get; set; } = true;

    /// <summary>Runs of whitespace compare equal to one space (ends are always trimmed).</summary>
    public bool CollapseWhitespace { get; set; } = true;

    public double CorrectScore { get; set; } = 1.0;
    public double WrongScore { get; set; }

    public void Validate() => Extraction.Validate();
}

/// <summary>"exact": the extracted answer equals the reference string.</summary>
public sealed class ExactAnswerVerifier : IVerifier
{
    public const string DefaultName = "exact";
    private readonly ExactAnswerOptions _options;

    public ExactAnswerVerifier(ExactAnswerOptions? options = null, string name = DefaultName)
    {
        _options = options ?? new ExactAnswerOptions();
        _options.Validate();
        Name = name;
    }

    public string Name { get; }

    public VerifierResult Verify(in VerifyInput input)
    {
        var completion = input.Completion ?? string.Empty;
        var found = AnswerExtractor.Extract(completion, _options.Extraction);
        if (!found.Found)
            return VerifierResult.Of(Name, _options.WrongScore, "no answer found");
        var answer = found.In(completion);
        if (answer.Length > _options.Extraction.MaxAnswerChars)
            return VerifierResult.Of(Name, _options.WrongScore, $"answer too long ({answer.Length} chars, {found.SourceName})");
        return Matches(answer, input.Problem.Answer.AsSpan().Trim())
            ? VerifierResult.Of(Name, _options.CorrectScore, $"correct ({found.SourceName})")
            : VerifierResult.Of(Name, _options.WrongScore, $"wrong ({found.SourceName}): got {Text.Snip(answer)}, expected {Text.Snip(input.Problem.Answer)}");
    }

    private bool Matches(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var comparison = _options.CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (!_options.CollapseWhitespace)
            return a.Equals(b, comparison);
        int i = 0, j = 0;
        while (true)
        {
            var wa = SkipSpace(a, ref i);
            var wb = SkipSpace(b, ref j);
            if (i == a.Length || j == b.Length)
                return i == a.Length && j == b.Length;
            if (wa != wb || !a.Slice(i, 1).Equals(b.Slice(j, 1), comparison))
                return false;
            i++;
            j++;
        }
    }

    private static bool SkipSpace(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsWhiteSpace(s[i]))
            i++;
        return i > start;
    }
}
