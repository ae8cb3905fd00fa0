using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class CountdownVerifierTests
{
    private readonly CountdownVerifier _v = new();

    [Theory]
    [InlineData("<answer>(25 - 5) * 5</answer>", "25,5,5,3", 100)]
    [InlineData("<answer>25 * 4</answer>", "25,4,7", 100)]
    [InlineData("<answer>(6 / 4) * 2 * 1</answer>", "6,4,2,1", 3)]
    [InlineData("<answer>6 / (1 - 3 / 4)</answer>", "6,1,3,4", 24)]
    [InlineData("<answer>8 × 3 = 24</answer>", "8,3", 24)]
    [InlineData("<answer>8 ÷ 2</answer>", "8,2", 4)]
    [InlineData("\\boxed{10 - 3}", "10,3", 7)]
    public void Correct(string completion, string numbers, int target)
    {
        var r = _v.Check(TestProblems.Countdown(numbers, target), completion);
        Assert.True(r.Score == 1.0, r.Reason);
    }

    [Theory]
    [InlineData("<answer>5 * 5 * 4</answer>", "25,5,4", 100, "number 5 used more often than given")]
    [InlineData("<answer>25 * 4</answer>", "25,5", 100, "number 4 is not among the given numbers")]
    [InlineData("<answer>5 / (3 - 3)</answer>", "5,3,3", 1, "division by zero")]
    [InlineData("<answer>-5 + 10</answer>", "5,10", 5, "unary minus is not allowed")]
    [InlineData("<answer>2.5 * 2</answer>", "2,5", 5, "decimal numbers are not allowed")]
    [InlineData("<answer>2 ** 3</answer>", "2,3", 8, "unexpected '*'")]
    [InlineData("<answer>(2 + 3</answer>", "2,3", 5, "missing ')'")]
    [InlineData("<answer>2 + </answer>", "2,3", 5, "expression ends early")]
    [InlineData("<answer>2 + 3 x</answer>", "2,3", 5, "unexpected 'x'")]
    [InlineData("<answer>1 + 2 + 3 + 4</answer>", "1,2,3", 10, "uses more than the 3 numbers given")]
    [InlineData("<answer>1234567890 - 1</answer>", "1,2", 1, "more than 9 digits")]
    [InlineData("<answer></answer>", "1,2", 1, "empty expression")]
    [InlineData("the result is 100", "1,2", 1, "no answer found")]
    public void Invalid(string completion, string numbers, int target, string reason)
    {
        var r = _v.Check(TestProblems.Countdown(numbers, target), completion);
        Assert.Equal(0.0, r.Score);
        Assert.Contains(reason, r.Reason);
    }

    [Fact]
    public void WrongValueIsScoredSeparately()
    {
        var v = new CountdownVerifier(new CountdownOptions { WrongValueScore = 0.1 });
        var r = v.Check(TestProblems.Countdown("3,4", 10), "<answer>3 + 4</answer>");
        Assert.Equal(0.1, r.Score);
        Assert.Contains("wrong value", r.Reason);
        Assert.Contains("7 != 10", r.Reason);
    }

    [Fact]
    public void ExactlyOnceByConfig()
    {
        var exact = new CountdownVerifier(new CountdownOptions { RequireAllNumbers = true });
        var p = TestProblems.Countdown("25,4,7", 100);
        var r = exact.Check(p, "<answer>25 * 4</answer>");
        Assert.Equal(0.0, r.Score);
        Assert.Contains("all are required", r.Reason);
        Assert.Contains("number 7 used more often", exact.Check(TestProblems.Countdown("25,4,7,1", 100), "<answer>25 * 4 * 7 / 7</answer>").Reason);
        Assert.Equal(1.0, exact.Check(TestProblems.Countdown("25,4,7", 700), "<answer>25 * 4 * 7</answer>").Score);
    }

    [Fact]
    public void DeepNestingIsRejectedNotRecursed()
    {
        var deep = new string('(', 5_000) + "1" + new string(')', 5_000);
        var r = _v.Check(TestProblems.Countdown("1", 1), "<answer>" + deep + "</answer>");
        Assert.Contains("longer than", r.Reason);
        var options = new CountdownOptions { MaxExpressionChars = 100_000 };
        r = new CountdownVerifier(options).Check(TestProblems.Countdown("1", 1), "<answer>" + deep + "</answer>");
        Assert.Contains("nesting deeper than 32", r.Reason);
    }

    [Fact]
    public void BadProblemMetadataIsAReason()
    {
        var r = _v.Check(TestProblems.WithAnswer("x"), "<answer>1+2</answer>");
        Assert.Contains("lacks countdown metadata", r.Reason);
        r = _v.Check(TestProblems.Countdown("1,x", 3), "<answer>1+2</answer>");
        Assert.Contains("not a non-negative integer", r.Reason);
    }

    [Fact]
    public void ExactRationalArithmetic()
    {
        var e = CountdownExpression.Evaluate("1 / 3 + 1 / 3 + 1 / 3", new CountdownOptions());
        Assert.True(e.Ok);
        Assert.Equal(Rational.One, e.Value);
        Assert.Equal(new long[] { 1, 3, 1, 3, 1, 3 }, e.Numbers);
    }
}
