using Pipeline.Model.Tokenizers;

namespace Pipeline.Tests.Model.Tokenizers;

public class CharTokenizerTests
{
    private readonly CharTokenizer _digits = new("0123456789+-*= ");

    [Fact]
    public void Specials_come_first_then_the_alphabet()
    {
        Assert.Equal(0, _digits.PadId);
        Assert.Equal(1, _digits.BosId);
        Assert.Equal(2, _digits.EosId);
        Assert.Equal(7 + 15, _digits.VocabSize);
        Assert.Equal(7, _digits.TokenToId("0"));
        Assert.Equal("<think>", _digits.IdToToken(3));
    }

    [Fact]
    public void Special_tokens_are_matched_inside_text_and_round_trip()
    {
        const string text = "<think>12+3=15</think><answer>15</answer>";
        var ids = _digits.Encode(text);
        Assert.Equal(1, ids[0]);
        Assert.Equal(3, ids[1]);
        Assert.Equal(5, ids[^4]);
        Assert.Equal(6, ids[^1]);
        Assert.Equal("<bos>" + text, _digits.Decode(ids));
        Assert.Equal("12+3=1515", _digits.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Characters_outside_the_alphabet_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => _digits.Encode("12x"));
        Assert.Contains("U+0078 'x' at index 2", e.Message);
    }

    [Fact]
    public void Byte_fallback_round_trips_any_text()
    {
        var t = new CharTokenizer("abc ", byteFallback: true, addBos: false, addEos: true);
        const string text = "abc 日本 😀 <answer>ok</answer>\t\n";
        var ids = t.Encode(text);
        Assert.Equal(t.EosId, ids[^1]);
        Assert.Equal(text + "<eos>", t.Decode(ids));
        Assert.Equal(text, CharTokenizer.Bytes().Decode(CharTokenizer.Bytes().Encode(text, addSpecialTokens: false)));
        Assert.Equal(7 + 256, CharTokenizer.Bytes().VocabSize);
    }

    [Fact]
    public void Partial_special_tokens_are_plain_characters()
    {
        var t = new CharTokenizer("<>/thinkaswer", addBos: false);
        var ids = t.Encode("<think");
        Assert.Equal(6, ids.Length);
        Assert.Equal("<think", t.Decode(ids));
    }

    [Fact]
    public void Special_tokens_must_include_pad_bos_eos()
    {
        Assert.Throws<ArgumentException>(() => new CharTokenizer("ab", ["<bos>", "<eos>"]));
    }
}
