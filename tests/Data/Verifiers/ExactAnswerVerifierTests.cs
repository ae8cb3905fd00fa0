using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class ExactAnswerVerifierTests
{
    [Theory]
    [InlineData("<answer>abc</answer>", "abc", true)]
    [InlineData("<think>x</think><answer> hello   world </answer>", "hello world", true)]
    [InlineData("<answer>ABC</answer>", "abc", false)]
    [InlineData("<answer>abcd</answer>", "abc", false)]
    [InlineData("<answer>ab c</answer>", "abc", false)]
    [InlineData("  abc  ", "abc", true)]
    [InlineData("\\boxed{abc}", "abc", true)]
    [InlineData("", "abc", false)]
    public void ComparesExtractedAnswer(string completion, string reference, bool correct)
    {
        var r = new ExactAnswerVerifier().Check(TestProblems.WithAnswer(reference), completion);
        Assert.True(correct == (r.Score == 1.0), r.Reason);
    }

    [Fact]
    public void CaseInsensitiveOption()
    {
        var v = new ExactAnswerVerifier(new ExactAnswerOptions { CaseSensitive = false });
        Assert.Equal(1.0, v.Check(TestProblems.WithAnswer("abc"), "<answer>ABC</answer>").Score);
        var strict = new ExactAnswerVerifier(new ExactAnswerOptions { CollapseWhitespace = false });
        Assert.Equal(0.0, strict.Check(TestProblems.WithAnswer("a b"), "<answer>a  b</answer>").Score);
    }
}
