using Pipeline.Cli.Commands;
using Pipeline.Model.Checkpoints;
using Pipeline.Model.Policy;
using Pipeline.Model.Tokenizers;
using Pipeline.Tests.Model.Tokenizers;

namespace Pipeline.Tests.Model.Policy;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("generate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void GreedyGenerationPrintsTheDecodedCompletion()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), HfTokenizerLoaderTests.Tiny);
        var tokenizer = HfTokenizer.Load(Path.Combine(_dir, "tokenizer.json"));
        using (var model = LlamaModel.Create(PolicyTestModels.Tiny with { VocabSize = tokenizer.VocabSize }, seed: 4))
        {
            HfCheckpoint.Save(model, _dir);
        }
        var settings = new GenerateCommand.Settings(_dir, "hello", Greedy: true, MaxNewTokens: 5, null, null, null, 0, "auto", 0);
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, GenerateCommand.Run(settings, output, error));

        // The same completion through the API.
        using var loaded = HfCheckpoint.Load(_dir);
        var row = new PolicyGenerator(loaded).Generate(new GenerationRequest([tokenizer.Encode("hello")],
            new SamplingOptions { Greedy = true, MaxNewTokens = 5, StopTokenIds = tokenizer.EosId is { } e ? [e] : [] })).Rows[0];
        Assert.Equal(tokenizer.Decode(row.Tokens, skipSpecialTokens: true) + "\n", output.ToString().ReplaceLineEndings("\n"));
        Assert.Contains($"{row.Tokens.Length} tokens", error.ToString());
    }

    [Fact]
    public void AFolderWithoutAModelFailsWithExitCode2()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), HfTokenizerLoaderTests.Tiny);
        var error = new StringWriter();
        Assert.Equal(2, GenerateCommand.Run(new GenerateCommand.Settings(_dir, "hi", true, 3, null, null, null, 0, "auto", 0), new StringWriter(), error));
        Assert.Contains("config.json", error.ToString());
    }

    [Fact]
    public void TheVerbIsRegistered() => Assert.Contains(CommandCatalog.Build().Subcommands, c => c.Name == "generate");
}
