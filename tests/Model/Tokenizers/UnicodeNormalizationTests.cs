using System.Text;
using Pipeline.Model.Tokenizers;

namespace Pipeline.Tests.Model.Tokenizers;

public class UnicodeNormalizationTests
{
    [Theory]
    [InlineData("e\u0301", NormalizationForm.FormC, "\u00E9")]
    [InlineData("\u00E9", NormalizationForm.FormD, "e\u0301")]
    [InlineData("\uFB01", NormalizationForm.FormC, "\uFB01")]
    [InlineData("\uFB01", NormalizationForm.FormKC, "fi")]
    [InlineData("\u00BD", NormalizationForm.FormKD, "1\u20442")]
    [InlineData("\uD55C", NormalizationForm.FormD, "\u1112\u1161\u11AB")]
    [InlineData("\u1112\u1161\u11AB", NormalizationForm.FormC, "\uD55C")]
    [InlineData("a\u0307\u0323", NormalizationForm.FormC, "\u1EA1\u0307")]
    [InlineData("a\u0323\u0307", NormalizationForm.FormD, "a\u0323\u0307")]
    [InlineData("\u212B", NormalizationForm.FormC, "\u00C5")]
    [InlineData("\u0344", NormalizationForm.FormC, "\u0308\u0301")]
    [InlineData("\uFF76", NormalizationForm.FormKC, "\u30AB")]
    [InlineData("plain ascii", NormalizationForm.FormKD, "plain ascii")]
    [InlineData("\U0001D400", NormalizationForm.FormKC, "A")]
    public void Forms_follow_uax15(string input, NormalizationForm form, string expected)
    {
        Assert.Equal(expected, UnicodeNormalization.Normalize(input, form));
    }

    [Fact]
    public void Normalization_is_idempotent_on_mixed_text()
    {
        const string text = "Ca\u0301fe\u0301 \uD55C\u1100\u1161 \uFB01 \u1E9B\u0323 \U0001F600 \u0958";
        foreach (var form in new[] { NormalizationForm.FormC, NormalizationForm.FormD, NormalizationForm.FormKC, NormalizationForm.FormKD })
        {
            var once = UnicodeNormalization.Normalize(text, form);
            Assert.Equal(once, UnicodeNormalization.Normalize(once, form));
        }
        Assert.Equal(UnicodeNormalization.Normalize(text, NormalizationForm.FormC),
            UnicodeNormalization.Normalize(UnicodeNormalization.Normalize(text, NormalizationForm.FormD), NormalizationForm.FormC));
    }
}
