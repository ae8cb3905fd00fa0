using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class AnswerNormalizerTests
{
    [Theory]
    [InlineData(" 42 ", "42")]
    [InlineData("$42$", "42")]
    [InlineData("\\(42\\)", "42")]
    [InlineData("\\dfrac{1}{2}", "\\frac{1}{2}")]
    [InlineData("\\tfrac{1}{2}", "\\frac{1}{2}")]
    [InlineData("\\left( 1, 2 \\right)", "(1,2)")]
    [InlineData("5\\text{ cm}", "5")]
    [InlineData("5 \\mbox{dollars}", "5")]
    [InlineData("\\text{(B)}", "(B)")]
    [InlineData("90^\\circ", "90")]
    [InlineData("90^{\\circ}", "90")]
    [InlineData("90°", "90")]
    [InlineData("50\\%", "50%")]
    [InlineData("\\$5", "5")]
    [InlineData("1\\,000", "1000")]
    [InlineData("−3", "-3")]
    [InlineData("3 \\times 10^{2}", "3*10^{2}")]
    [InlineData("42.", "42")]
    [InlineData("\\sqrt{2}", "\\sqrt{2}")]
    [InlineData("\\", "")]
    [InlineData("\\text{unclosed", "")]
    public void Normalises(string input, string expected) => Assert.Equal(expected, AnswerNormalizer.Normalize(input));
}
