using System.CommandLine;
using System.Text;
using System.Text.Json;
using Pipeline.Model.Tokenizers;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline tokenize --tokenizer FILE</c>: one JSON array of ids per line of standard
/// input; with <c>--decode</c>, one line of text per JSON array.</summary>
public static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizerOption = new Option<FileInfo>("--tokenizer")
        {
            Description = "A Hugging Face tokenizer.json.",
            Required = true,
        };
        var decodeOption = new Option<bool>("--decode") { Description = "Read JSON arrays of ids and print the text they decode to." };
        var noSpecialOption = new Option<bool>("--no-special-tokens")
        {
            Description = "Encoding: do not add bos/eos. Decoding: leave special tokens out of the text.",
        };
        var command = new Command("tokenize", "Encode lines of standard input to token ids, or decode them back with --decode.")
        {
            tokenizerOption, decodeOption, noSpecialOption,
        };
        command.SetAction(parseResult =>
        {
            var file = parseResult.GetValue(tokenizerOption)!;
            HfTokenizer tokenizer;
            try
            {
                tokenizer = HfTokenizer.Load(file.FullName);
            }
            catch (Exception e) when (e is TokenizerFormatException or FileNotFoundException or IOException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            var noSpecial = parseResult.GetValue(noSpecialOption);
            // Buffered UTF-8 both ways: Console.Out flushes every line, which dominates on large inputs.
            using var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
            return parseResult.GetValue(decodeOption)
                ? Decode(tokenizer, input, output, noSpecial)
                : Encode(tokenizer, input, output, noSpecial);
        });
        return command;
    }

    public static int Encode(ITokenizer tokenizer, TextReader input, TextWriter output, bool noSpecialTokens)
    {
        var sb = new StringBuilder();
        while (input.ReadLine() is { } line)
        {
            sb.Clear().Append('[');
            var ids = tokenizer.Encode(line, addSpecialTokens: !noSpecialTokens);
            for (var i = 0; i < ids.Length; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(ids[i]);
            }
            output.WriteLine(sb.Append(']').ToString());
        }
        return 0;
    }

    public static int Decode(ITokenizer tokenizer, TextReader input, TextWriter output, bool skipSpecialTokens)
    {
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            int[]? ids;
            try
            {
                ids = JsonSerializer.Deserialize<int[]>(line);
            }
            catch (JsonException e)
            {
                Console.Error.WriteLine($"line {lineNumber}: expected a JSON array of token ids: {e.Message}");
                return 1;
            }
            if (ids is null)
            {
                Console.Error.WriteLine($"line {lineNumber}: expected a JSON array of token ids, found null");
                return 1;
            }
            output.WriteLine(tokenizer.Decode(ids, skipSpecialTokens));
        }
        return 0;
    }
}
