using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class CompositionTests
{
    private static readonly VerifierRegistry Registry = VerifierRegistry.CreateDefault();

    [Fact]
    public void RegistryListsNamesAndRejectsUnknownOnes()
    {
        Assert.Equal(new[] { "answer", "countdown", "exact", "format", "length_penalty", "math", "overlong" }, Registry.Names);
        var e = Assert.Throws<ArgumentException>(() => Registry.Create("maths"));
        Assert.Contains("unknown verifier 'maths'", e.Message);
        Assert.Contains("math, overlong", e.Message);
        Assert.Throws<ArgumentException>(() => Registry.Register("math", _ => new MathAnswerVerifier()));
        Assert.All(Registry.Names, n => Assert.Equal(n, Registry.Create(n).Name));
    }

    [Fact]
    public void CompositeRecordsEveryPartAndSumsWeights()
    {
        var composite = Registry.CreateComposite("reward", [("math", 1.0), ("format", 0.2), ("overlong", 1.0)],
            new VerifierOptions { Overlong = new OverlongOptions { MaxLength = 100, BufferLength = 50 } });
        var completion = "<think>" + new string('x', 60) + "</think><answer>7</answer>";
        var r = composite.Verify(new VerifyInput(TestProblems.WithAnswer("7"), completion, Length: 75));
        Assert.Equal(new[] { "math", "format", "overlong" }, r.Parts.Select(p => p.Name));
        Assert.Equal(1.0 + 0.2 - 0.5, r.Score, 12);
        Assert.Equal(r.Score, r.Parts.Sum(p => p.Weighted), 12);
        Assert.Contains("math=1 (correct", r.Reason);
        Assert.Contains("overlong=-0.5", r.Reason);
    }

    [Fact]
    public void NestedCompositesFlattenWithMultipliedWeights()
    {
        var inner = Registry.CreateComposite("inner", [("math", 1.0), ("format", 1.0)]);
        var outer = new WeightedCompositeVerifier("outer", [(inner, 0.5), (Registry.Create("length_penalty"), 1.0)]);
        var r = outer.Verify(new VerifyInput(TestProblems.WithAnswer("3"), "<think>a</think><answer>3</answer>", 512));
        Assert.Equal(3, r.Parts.Count);
        Assert.Equal(0.5, r.Parts[0].Weight);
        Assert.Equal(1.0 - 0.5, r.Score, 12);
        Assert.Equal(r.Score, r.Parts.Sum(p => p.Weighted), 12);
    }

    [Fact]
    public void CompositeRejectsDuplicatesAndBadWeights()
    {
        Assert.Throws<ArgumentException>(() => Registry.CreateComposite("r", [("math", 1.0), ("math", 1.0)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Registry.CreateComposite("r", [("math", double.NaN)]));
        Assert.Throws<ArgumentException>(() => Registry.CreateComposite("r", []));
    }

    [Fact]
    public void AnswerDispatchesOnProblemMetadata()
    {
        var answer = Registry.Create("answer");
        var r = answer.Verify(new VerifyInput(TestProblems.Countdown("3,4", 12), "<answer>3*4</answer>"));
        Assert.Equal(1.0, r.Score);
        Assert.StartsWith("countdown: correct", r.Reason);
        Assert.Equal("answer", Assert.Single(r.Parts).Name);
        r = answer.Verify(new VerifyInput(TestProblems.WithAnswer("5"), "\\boxed{5}"));
        Assert.StartsWith("math: correct", r.Reason);
        var bad = TestProblems.WithAnswer("5", new Dictionary<string, string> { ["verifier"] = "nope" });
        r = answer.Verify(new VerifyInput(bad, "\\boxed{5}"));
        Assert.Equal(0.0, r.Score);
        Assert.Contains("unknown verifier 'nope'", r.Reason);
    }

    private sealed class Throwing : IVerifier
    {
        public string Name => "throws";
        public VerifierResult Verify(in VerifyInput input) => throw new InvalidOperationException("boom");
    }

    private sealed class Hanging : IVerifier
    {
        public string Name => "hangs";
        public VerifierResult Verify(in VerifyInput input)
        {
            // Far longer than the guard's bound, so returning in time proves the guard did not wait.
            Thread.Sleep(20_000);
            return VerifierResult.Of(Name, 1, "late");
        }
    }

    [Fact]
    public async Task GuardTurnsFailuresIntoReasons()
    {
        var input = new VerifyInput(TestProblems.WithAnswer("1"), "x");
        var r = VerifierGuard.Run(new Throwing(), input, failureScore: -1);
        Assert.Equal(-1, r.Score);
        Assert.Equal("verifier threw InvalidOperationException: boom", r.Reason);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        r = await VerifierGuard.RunAsync(new Hanging(), input, TimeSpan.FromMilliseconds(100));
        Assert.True(watch.ElapsedMilliseconds < 5_000, $"took {watch.ElapsedMilliseconds} ms");
        Assert.Equal("verifier timed out after 100 ms", r.Reason);
        Assert.Equal("hangs", Assert.Single(r.Parts).Name);
    }

    private sealed class SlowAsync(TimeSpan delay, bool fail) : IAsyncVerifier
    {
        public string Name => "slow";

        public async ValueTask<VerifierResult> VerifyAsync(VerifyInput input, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return fail ? throw new InvalidOperationException("judge broke") : VerifierResult.Of(Name, 0.5, "fine");
        }
    }

    [Fact]
    public async Task AsyncGuardBoundsTimeAndKeepsCallerCancellation()
    {
        var input = new VerifyInput(TestProblems.WithAnswer("1"), "x");
        Assert.Equal("fine", (await VerifierGuard.RunAsync(new SlowAsync(TimeSpan.Zero, false), input, TimeSpan.FromSeconds(5))).Reason);
        var late = await VerifierGuard.RunAsync(new SlowAsync(TimeSpan.FromSeconds(30), false), input, TimeSpan.FromMilliseconds(50), failureScore: -1);
        Assert.Equal((-1.0, "verifier timed out after 50 ms"), (late.Score, late.Reason));
        var broke = await VerifierGuard.RunAsync(new SlowAsync(TimeSpan.Zero, true), input, TimeSpan.FromSeconds(5));
        Assert.Equal("verifier threw InvalidOperationException: judge broke", broke.Reason);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            VerifierGuard.RunAsync(new SlowAsync(TimeSpan.FromSeconds(30), false), input, TimeSpan.FromSeconds(10), cancellationToken: cts.Token));
    }
}
