using Pipeline.Cli.Commands;
using Pipeline.Model.Tokenizers;

namespace Pipeline.Tests.Model.Tokenizers;

public class TokenizeCommandTests
{
    [Fact]
    public void Encode_prints_one_json_array_per_line_and_decode_reverses_it()
    {
        var tokenizer = HfTokenizer.FromJson(HfTokenizerLoaderTests.Tiny);
        var encoded = new StringWriter();
        Assert.Equal(0, TokenizeCommand.Encode(tokenizer, new StringReader("hello he\n\nhell<|end|>\n"), encoded, noSpecialTokens: false));
        Assert.Equal("[7,8,4,9]\n[9]\n[6,9,9]\n", encoded.ToString().ReplaceLineEndings("\n"));

        var decoded = new StringWriter();
        Assert.Equal(0, TokenizeCommand.Decode(tokenizer, new StringReader(encoded.ToString()), decoded, skipSpecialTokens: true));
        Assert.Equal("hello he\n\nhell\n", decoded.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Decode_rejects_lines_that_are_not_id_arrays()
    {
        var tokenizer = HfTokenizer.FromJson(HfTokenizerLoaderTests.Tiny);
        Assert.Equal(1, TokenizeCommand.Decode(tokenizer, new StringReader("[1,2]\nnot json\n"), new StringWriter(), false));
    }

    [Fact]
    public void The_verb_is_registered()
    {
        Assert.Contains(CommandCatalog.Build().Subcommands, c => c.Name == "tokenize");
    }
}
