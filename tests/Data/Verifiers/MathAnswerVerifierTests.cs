using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class MathAnswerVerifierTests
{
    private readonly MathAnswerVerifier _math = new();

    [Theory]
    [InlineData("<answer>42</answer>", "42")]
    [InlineData("so \\boxed{1,000}", "1000")]
    [InlineData("so \\boxed{1000}", "1,000")]
    [InlineData("\\boxed{\\dfrac{1}{2}}", "0.5")]
    [InlineData("\\boxed{\\left(\\frac{2}{4}\\right)}", "\\frac12")]
    [InlineData("The answer is 0.5.", "1/2")]
    [InlineData("The answer is 50%.", "0.5")]
    [InlineData("The answer is 0.5", "50\\%")]
    [InlineData("The answer is 50", "50%")]
    [InlineData("\\boxed{12 \\text{ cm}}", "12")]
    [InlineData("\\boxed{90^\\circ}", "90")]
    [InlineData("after all that, 7", "7.0")]
    [InlineData("\\boxed{3.0000000001}", "3")]
    [InlineData("\\boxed{1.5e3}", "1500")]
    [InlineData("\\boxed{(B)}", "\\text{(B)}")]
    [InlineData("\\boxed{x+1}", "x + 1")]
    [InlineData("\\boxed{-\\frac{3}{4}}", "-0.75")]
    public void Correct(string completion, string reference)
    {
        var r = _math.Check(TestProblems.WithAnswer(reference), completion);
        Assert.True(r.Score == 1.0, r.Reason);
        Assert.StartsWith("correct", r.Reason);
        var part = Assert.Single(r.Parts);
        Assert.Equal("math", part.Name);
    }

    [Theory]
    [InlineData("<answer>41</answer>", "42")]
    [InlineData("\\boxed{12345679}", "12345678")]
    [InlineData("\\boxed{0.333}", "1/3")]
    [InlineData("\\boxed{3.01}", "3")]
    [InlineData("\\boxed{5}", "50%")]
    [InlineData("\\boxed{x+2}", "x+1")]
    [InlineData("\\boxed{1,2}", "12")]
    public void Wrong(string completion, string reference)
    {
        var r = _math.Check(TestProblems.WithAnswer(reference), completion);
        Assert.True(r.Score == 0.0, r.Reason);
        Assert.StartsWith("wrong", r.Reason);
    }

    [Fact]
    public void NoAnswerAndEmptyAnswerHaveReasons()
    {
        Assert.Equal("no answer found", _math.Check(TestProblems.WithAnswer("1"), "no idea").Reason);
        Assert.Equal("empty answer (answer_tag)", _math.Check(TestProblems.WithAnswer("1"), "<answer> </answer>").Reason);
        var options = new MathAnswerOptions { NoAnswerScore = -1 };
        Assert.Equal(-1, new MathAnswerVerifier(options).Check(TestProblems.WithAnswer("1"), "nothing").Score);
    }

    [Fact]
    public void ToleranceIsConfigurable()
    {
        var loose = new MathAnswerVerifier(new MathAnswerOptions { RelativeTolerance = 1e-2 });
        Assert.Equal(1.0, loose.Check(TestProblems.WithAnswer("1/3"), "\\boxed{0.333}").Score);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MathAnswerVerifier(new MathAnswerOptions { RelativeTolerance = -1 }));
    }

    [Fact]
    public void ReasonsStayShortForHugeAnswers()
    {
        var answer = new string('7', 900);
        var r = _math.Check(TestProblems.WithAnswer("1"), "<answer>" + answer + "</answer>");
        Assert.Equal(0.0, r.Score);
        Assert.True(r.Reason.Length < 200, r.Reason);
    }
}
