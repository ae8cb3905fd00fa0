using System.Collections.Concurrent;
using Pipeline.Data.Problems;

namespace Pipeline.Data.Verifiers;

/// <summary>
/// "answer": checks correctness with the verifier the problem names in its metadata
/// ("verifier", default "math"), so one reward config serves a dataset that mixes tasks.
/// </summary>
public sealed class TaskAnswerVerifier : IVerifier
{
    public const string DefaultName = "answer";
    public const string FallbackVerifier = MathAnswerVerifier.DefaultName;
    private readonly Func<string, IVerifier> _create;
    private readonly ConcurrentDictionary<string, IVerifier> _cache = new(StringComparer.Ordinal);

    public TaskAnswerVerifier(Func<string, IVerifier> create, string name = DefaultName)
    {
        _create = create;
        Name = name;
    }

    public string Name { get; }

    public VerifierResult Verify(in VerifyInput input)
    {
        var which = input.Problem.GetMetadata(Problem.VerifierKey) ?? FallbackVerifier;
        if (which == DefaultName)
            return VerifierResult.Of(Name, 0, $"problem {input.Problem.Id} names '{DefaultName}' as its own verifier");
        IVerifier verifier;
        try
        {
            verifier = _cache.GetOrAdd(which, _create);
        }
        catch (ArgumentException e)
        {
            return VerifierResult.Of(Name, 0, $"problem {input.Problem.Id}: {e.Message}");
        }
        var result = verifier.Verify(input);
        return VerifierResult.Of(Name, result.Score, $"{which}: {result.Reason}");
    }
}
