using System.Text;
using Pipeline.Model.Tokenizers;

namespace Pipeline.Tests.Model.Tokenizers;

public class PretokenizerPatternsTests
{
    public static TheoryData<string> Patterns => [PretokenizerPatterns.Gpt2, PretokenizerPatterns.Llama3, PretokenizerPatterns.Qwen2];

    // On text without 'ſ' (which Oniguruma folds to 's' and .NET does not) the hand-written
    // scanners must agree with .NET's regex engine running the very same pattern, surrogate pairs
    // included thanks to the category stand-ins.
    [Theory]
    [MemberData(nameof(Patterns))]
    public void Scanner_matches_the_regex(string pattern)
    {
        var random = new Random(7);
        string[] pool = [" ", "\t", "\n", "\r", "\u00A0", "\u3000", "a", "Z", "é", "中", "'", "s", "S", "t", "T", "r", "e", "V", "E", "l", "m", "M",
            "d", "D", "0", "7", "١", "½", "Ⅻ", ".", ",", "!", "-", "_", "#", "\"", "(", "}", "<", "/", "\\", "😀", "𝐀", "𠀀", "𝟘", "\U0001F3FD", "\u200D", "\U000E0001"];
        for (var n = 0; n < 5000; n++)
        {
            var sb = new StringBuilder();
            for (var k = random.Next(0, 24); k > 0; k--) sb.Append(pool[random.Next(pool.Length)]);
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

    [Fact]
    public void Stand_ins_have_the_category_they_stand_for()
    {
        foreach (var category in Enum.GetValues<System.Globalization.UnicodeCategory>())
        {
            if (category is System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.SpaceSeparator
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                or System.Globalization.UnicodeCategory.Control) continue;
            Assert.Equal(category, System.Globalization.CharUnicodeInfo.GetUnicodeCategory(PretokenizerPatterns.StandIn(category)));
        }
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
