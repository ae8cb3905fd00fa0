using Pipeline.Data.Problems;
using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

internal static class TestProblems
{
    public static Problem WithAnswer(string answer, IReadOnlyDictionary<string, string>? metadata = null) => new()
    {
        Id = "t-1",
        Prompt = "prompt",
        Answer = answer,
        Task = "test",
        Metadata = metadata ?? new Dictionary<string, string>(),
    };

    public static Problem Countdown(string numbers, int target) => WithAnswer("", new Dictionary<string, string>
    {
        [CountdownVerifier.NumbersKey] = numbers,
        [CountdownVerifier.TargetKey] = target.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [Problem.VerifierKey] = CountdownVerifier.DefaultName,
    });

    public static VerifierResult Check(this IVerifier v, Problem p, string completion, int length = -1) =>
        v.Verify(new VerifyInput(p, completion, length));
}
