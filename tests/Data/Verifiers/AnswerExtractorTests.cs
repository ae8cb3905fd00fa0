using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class AnswerExtractorTests
{
    private static readonly ExtractionOptions Options = new();

    [Theory]
    [InlineData("<think>2+2</think><answer> 4 </answer>", "4", AnswerSource.AnswerTag)]
    [InlineData("<answer>1</answer> then <answer>2</answer>", "2", AnswerSource.AnswerTag)]
    [InlineData("<answer>so \\boxed{7}</answer>", "7", AnswerSource.AnswerTag)]
    [InlineData("so $\\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}", AnswerSource.Boxed)]
    [InlineData("\\boxed{1} and finally \\boxed{2}", "2", AnswerSource.Boxed)]
    [InlineData("\\boxed{\\{1,2\\}}", "\\{1,2\\}", AnswerSource.Boxed)]
    [InlineData("\\boxed 5 done", "5", AnswerSource.Boxed)]
    [InlineData("\\fbox{9}", "9", AnswerSource.Boxed)]
    [InlineData("\\boxed{3} then \\boxed{4", "3", AnswerSource.Boxed)]
    [InlineData("Thus the answer is 12. Done", "12", AnswerSource.AnswerIs)]
    [InlineData("The final answer is: $\\frac{3}{4}$.\nBye", "$\\frac{3}{4}$", AnswerSource.AnswerIs)]
    [InlineData("The answer is \\boxed{8} clearly", "8", AnswerSource.Boxed)]
    [InlineData("we get 3, then 1,234.5 apples.", "1,234.5", AnswerSource.LastNumber)]
    [InlineData("x = -3/4.", "-3/4", AnswerSource.LastNumber)]
    [InlineData("rate is 50%!", "50%", AnswerSource.LastNumber)]
    [InlineData("step-5", "5", AnswerSource.LastNumber)]
    public void Extracts(string completion, string expected, AnswerSource source)
    {
        var e = AnswerExtractor.Extract(completion, Options);
        Assert.Equal(source, e.Source);
        Assert.Equal(expected, e.In(completion).ToString());
    }

    [Fact]
    public void NothingFound()
    {
        Assert.False(AnswerExtractor.Extract("no digits here", Options).Found);
        Assert.False(AnswerExtractor.Extract("", Options).Found);
        Assert.False(AnswerExtractor.Extract("<answer>open only", new ExtractionOptions { UseLastNumber = false }).Found);
    }

    [Fact]
    public void OnlyTheTailIsScanned()
    {
        var completion = "\\boxed{1}" + new string(' ', 100);
        Assert.False(AnswerExtractor.Extract(completion, new ExtractionOptions { MaxScanChars = 50 }).Found);
        Assert.True(AnswerExtractor.Extract(completion, new ExtractionOptions { MaxScanChars = 200 }).Found);
    }

    [Fact]
    public void WholeCompletionFallback()
    {
        var e = AnswerExtractor.Extract("  hello world \n", new ExtractionOptions { UseWholeCompletion = true, UseLastNumber = false });
        Assert.Equal(AnswerSource.Whole, e.Source);
        Assert.Equal("hello world", e.In("  hello world \n").ToString());
    }

    [Fact]
    public void CaseInsensitiveSearchMatchesTheBclReference()
    {
        // Reference: the BCL's (slow) OrdinalIgnoreCase search, on random text over a small alphabet that forms near-misses.
        var random = new Random(5);
        const string alphabet = "answerANSWEis </>";
        foreach (var needle in new[] { ("</answer>", 0), ("<answer>", 0), ("answer is", 3) })
        {
            for (var t = 0; t < 3000; t++)
            {
                var chars = new char[random.Next(0, 40)];
                for (var i = 0; i < chars.Length; i++)
                    chars[i] = alphabet[random.Next(alphabet.Length)];
                var text = new string(chars);
                if (random.Next(3) == 0)
                    text = text.Insert(random.Next(text.Length + 1), random.Next(2) == 0 ? needle.Item1 : needle.Item1.ToUpperInvariant());
                Assert.Equal(text.AsSpan().LastIndexOf(needle.Item1, StringComparison.OrdinalIgnoreCase),
                    AnswerExtractor.LastIndexOfIgnoreCase(text, needle.Item1, needle.Item2));
            }
        }
    }
}
