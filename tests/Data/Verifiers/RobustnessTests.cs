using System.Diagnostics;
using Pipeline.Data.Problems;
using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class RobustnessTests
{
    private const int Completions = 10_000;

    // Generous for a shared 2-core machine; the typical call takes microseconds.
    private static readonly TimeSpan PerCallBound = TimeSpan.FromSeconds(1);

    private static IEnumerable<IVerifier> AllVerifiers()
    {
        var registry = VerifierRegistry.CreateDefault();
        foreach (var name in registry.Names)
            yield return registry.Create(name);
        yield return registry.CreateComposite("composite", [("answer", 1.0), ("format", 0.1), ("overlong", 1.0), ("length_penalty", 0.1)]);
        yield return new CountdownVerifier(new CountdownOptions { RequireAllNumbers = true }, "countdown_exact");
    }

    private static IEnumerable<Problem> Problems()
    {
        yield return TestProblems.WithAnswer("42", new Dictionary<string, string> { [Problem.VerifierKey] = "math" });
        yield return TestProblems.WithAnswer("\\frac{1}{2}");
        yield return TestProblems.WithAnswer(new string('9', 2_000));
        yield return TestProblems.WithAnswer("\ud800(" + new string('{', 500));
        yield return TestProblems.WithAnswer("abc", new Dictionary<string, string> { [Problem.VerifierKey] = "exact" });
        yield return TestProblems.Countdown("1,2,3,4,5,6", 42);
        yield return TestProblems.Countdown("99999999,99999999", 1);
    }

    [Fact]
    public void EveryVerifierSurvivesTenThousandHostileCompletions()
    {
        var verifiers = AllVerifiers().ToArray();
        var problems = Problems().ToArray();
        var slowest = TimeSpan.Zero;
        var slowestCase = "";
        var calls = 0;
        var total = Stopwatch.StartNew();
        var index = 0;
        foreach (var completion in AdversarialCompletions.Generate(Completions, seed: 20251122))
        {
            var problem = problems[index % problems.Length];
            var input = new VerifyInput(problem, completion, Length: index % 3 == 0 ? -1 : completion.Length / 4, Truncated: index % 5 == 0);
            foreach (var verifier in verifiers)
            {
                var watch = Stopwatch.StartNew();
                VerifierResult result;
                try
                {
                    result = verifier.Verify(input);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{verifier.Name} threw on completion #{index} (length {completion.Length}): {e}");
                    throw;
                }
                var elapsed = watch.Elapsed;
                if (elapsed > slowest)
                {
                    slowest = elapsed;
                    slowestCase = $"{verifier.Name} on #{index} (length {completion.Length})";
                }
                calls++;
                Assert.True(double.IsFinite(result.Score), $"{verifier.Name} #{index}: score {result.Score}");
                Assert.False(string.IsNullOrWhiteSpace(result.Reason), $"{verifier.Name} #{index}: empty reason");
                Assert.True(result.Reason.Length < 4_000, $"{verifier.Name} #{index}: reason of {result.Reason.Length} chars");
                Assert.True(IsWellFormed(result.Reason), $"{verifier.Name} #{index}: reason has a lone surrogate");
                Assert.NotEmpty(result.Parts);
                Assert.All(result.Parts, p => Assert.False(string.IsNullOrWhiteSpace(p.Reason)));
            }
            index++;
        }
        Assert.Equal(Completions, index);
        Assert.True(slowest < PerCallBound, $"slowest call {slowest.TotalMilliseconds:0} ms: {slowestCase}");
        Assert.Equal(Completions * verifiers.Length, calls);
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(90), $"{calls} calls took {total.Elapsed}");
    }

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                i++;
            else if (char.IsSurrogate(s[i]))
                return false;
        }
        return true;
    }
}
