namespace Pipeline.Data.Verifiers;

/// <summary>"math": extracts the final answer and compares it with the reference by value.</summary>
public sealed class MathAnswerVerifier : IVerifier
{
    public const string DefaultName = "math";
    private readonly MathAnswerOptions _options;

    public MathAnswerVerifier(MathAnswerOptions? options = null, string name = DefaultName)
    {
        _options = options ?? new MathAnswerOptions();
        _options.Validate();
        Name = name;
    }

    public string Name { get; }

    public VerifierResult Verify(in VerifyInput input)
    {
        var completion = input.Completion ?? string.Empty;
        var found = AnswerExtractor.Extract(completion, _options.Extraction);
        if (!found.Found)
            return VerifierResult.Of(Name, _options.NoAnswerScore, "no answer found");
        var answer = found.In(completion);
        if (answer.Length == 0)
            return VerifierResult.Of(Name, _options.NoAnswerScore, $"empty answer ({found.SourceName})");
        if (answer.Length > _options.Extraction.MaxAnswerChars)
            return VerifierResult.Of(Name, _options.WrongScore, $"answer too long ({answer.Length} chars, {found.SourceName})");
        var predicted = AnswerNormalizer.Normalize(answer);
        var reference = AnswerNormalizer.Normalize(input.Problem.Answer);
        return MathEquivalence.AreEquivalentNormalized(predicted, reference, _options)
            ? VerifierResult.Of(Name, _options.CorrectScore, $"correct ({found.SourceName}): {Text.Snip(predicted)}")
            : VerifierResult.Of(Name, _options.WrongScore, $"wrong ({found.SourceName}): got {Text.Snip(predicted)}, expected {Text.Snip(reference)}");
    }
}
