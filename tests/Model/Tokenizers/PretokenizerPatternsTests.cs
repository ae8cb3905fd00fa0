using System.Text;
using Pipeline.Model.Tokenizers;

namespace Pipeline.Tests.Model.Tokenizers;

public class PretokenizerPatternsTests
{
    public static TheoryData<string> Patterns => [PretokenizerPatterns.Gpt2, PretokenizerPatterns.Llama3, PretokenizerPatterns.Qwen2];

    // On BMP text without 'ſ' (which Oniguruma folds to 's' and .NET does not) the hand-written
    // scanners must agree with .NET's regex engine running the very same pattern.
    [Theory]
    [MemberData(nameof(Patterns))]
    public void Scanner_matches_the_regex_on_bmp_text(string pattern)
    {
        var random = new Random(7);
        const string pool = " \t\n\r\u00A0\u3000aZé中'sStTreVEllmMdD0123456789١½Ⅻ.,!?-_#\"()[]{}<>/\\😀";
        var bmpPool = pool.Where(c => !char.IsSurrogate(c)).ToArray();
        for (var n = 0; n < 5000; n++)
        {
            var sb = new StringBuilder();
            for (var k = random.Next(0, 24); k > 0; k--) sb.Append(bmpPool[random.Next(bmpPool.Length)]);
            var text = sb.ToString();
            Assert.Equal(PretokenizerPatterns.SplitWithRegex(pattern, text), PretokenizerPatterns.Split(pattern, text));
        }
    }

    // Oniguruma matches code points: an emoji before a word is one character that the optional
    // non-letter prefix takes whole, and letters outside the BMP are letters.
    [Theory]
    [InlineData("😀abc", new[] { "😀abc" })]
    [InlineData(" 𝐀𝐁𝐂 x", new[] { " 𝐀𝐁𝐂", " x" })]
    [InlineData("'ſ'S's", new[] { "'ſ", "'S", "'s" })]
    [InlineData("12345", new[] { "123", "45" })]
    [InlineData("a  \n\n  b", new[] { "a", "  \n\n", " ", " b" })]
    public void Llama3_scanner_works_on_code_points(string text, string[] expected)
    {
        Assert.Equal(expected, PretokenizerPatterns.Split(PretokenizerPatterns.Llama3, text));
    }

    [Theory]
    [InlineData("Hello world's  end", new[] { "Hello", " world", "'s", " ", " end" })]
    [InlineData("x = 42;\t\n", new[] { "x", " =", " 42", ";", "\t\n" })]
    [InlineData(" 𠀀a", new[] { " 𠀀a" })]
    public void Gpt2_scanner_splits_as_gpt2(string text, string[] expected)
    {
        Assert.Equal(expected, PretokenizerPatterns.Split(PretokenizerPatterns.Gpt2, text));
    }
}
