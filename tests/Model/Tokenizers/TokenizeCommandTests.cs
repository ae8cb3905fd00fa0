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
    public void An_unsupported_tokenizer_file_exits_with_2_before_reading_input()
    {
        var file = Path.Combine(Path.GetTempPath(), $"wordpiece-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, HfTokenizerLoaderTests.Tiny.Replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\"", StringComparison.Ordinal));
        var error = new StringWriter();
        var original = Console.Error;
        try
        {
            Console.SetError(error);
            Assert.Equal(2, CommandCatalog.Build().Parse(["tokenize", "--tokenizer", file]).Invoke());
        }
        finally
        {
            Console.SetError(original);
            File.Delete(file);
        }
        Assert.Contains("$.model.type: model type 'WordPiece' is not supported", error.ToString());
    }

    [Fact]
    public void The_verb_is_registered()
    {
        Assert.Contains(CommandCatalog.Build().Subcommands, c => c.Name == "tokenize");
    }
}
