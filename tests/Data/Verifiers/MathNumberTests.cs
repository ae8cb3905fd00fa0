using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class MathNumberTests
{
    [Theory]
    [InlineData("42", 42, 1, false)]
    [InlineData("-42", -42, 1, false)]
    [InlineData("1,234,567", 1234567, 1, false)]
    [InlineData("1,234.5", 2469, 2, false)]
    [InlineData("0.50", 1, 2, false)]
    [InlineData(".5", 1, 2, false)]
    [InlineData("3/4", 3, 4, false)]
    [InlineData("-3/4", -3, 4, false)]
    [InlineData("\\frac{3}{4}", 3, 4, false)]
    [InlineData("\\frac{-3}{6}", -1, 2, false)]
    [InlineData("-\\frac{3}{4}", -3, 4, false)]
    [InlineData("\\frac12", 1, 2, false)]
    [InlineData("50%", 50, 1, true)]
    [InlineData("1.5e3", 1500, 1, false)]
    [InlineData("2E-2", 1, 50, false)]
    [InlineData("1.5*10^{3}", 1500, 1, false)]
    [InlineData("1.5*10^3", 1500, 1, false)]
    [InlineData("+7", 7, 1, false)]
    public void ParsesExactly(string text, long num, long den, bool percent)
    {
        Assert.True(MathNumber.TryParse(text, out var value, out var p), text);
        Assert.Equal(Rational.Create(num, den), value);
        Assert.Equal(percent, p);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1,23")]
    [InlineData("12,3456")]
    [InlineData("1,2")]
    [InlineData("x")]
    [InlineData("1/0")]
    [InlineData("\\frac{1}{0}")]
    [InlineData("1e999999")]
    [InlineData("1..2")]
    [InlineData("(1,2)")]
    [InlineData("\\sqrt{2}")]
    public void RejectsNonNumbers(string text) => Assert.False(MathNumber.TryParse(text, out _, out _), text);

    [Fact]
    public void DigitCapBoundsWork()
    {
        var huge = new string('9', 10_000);
        Assert.False(MathNumber.TryParse(huge, out _, out _));
        Assert.True(MathNumber.TryParse(new string('9', 300), out var v, out _));
        Assert.Equal(300, v.Numerator.ToString().Length);
    }
}
