using Pipeline.Model.Policy;
using Pipeline.Model.Tokenizers;
using static Pipeline.Tests.Model.Policy.PolicyTestModels;

namespace Pipeline.Tests.Model.Policy;

public class GenerationTests
{
    /// <summary>The slow reference: each row alone, no padding, no cache, the whole sequence every step.</summary>
    private static List<int> UncachedGreedy(LlamaModel model, int[] prompt, int n)
    {
        var seq = prompt.ToList();
        for (var i = 0; i < n; i++) seq.Add(ArgMax(PlainLogits(model, seq)[^1]));
        return seq.Skip(prompt.Length).ToList();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CachedBatchedGreedyEqualsUncachedPerRowGreedy(bool bf16)
    {
        using var model = LlamaModel.Create(Tiny, seed: 11, bf16 ? Pipeline.Model.Torch.ScalarType.BFloat16 : Pipeline.Model.Torch.ScalarType.Float32);
        const int n = 12;
        var result = new PolicyGenerator(model).Generate(new GenerationRequest(MixedPrompts, new SamplingOptions { Greedy = true, MaxNewTokens = n }));
        for (var b = 0; b < MixedPrompts.Length; b++)
        {
            Assert.Equal(UncachedGreedy(model, MixedPrompts[b], n), result.Rows[b].Tokens);
            Assert.Equal(FinishReason.Length, result.Rows[b].FinishReason);
        }
        // The tokens must not be all alike, or the comparison above proves little.
        Assert.True(result.Rows.SelectMany(r => r.Tokens).Distinct().Count() > 4);
    }

    [Fact]
    public void LogProbsAreThoseOfTheTemperatureScaledDistribution()
    {
        using var model = LlamaModel.Create(Tiny, seed: 12);
        const double temperature = 0.7;
        var o = new SamplingOptions { Temperature = temperature, TopK = 10, TopP = 0.9, MaxNewTokens = 6, Seed = 5 };
        var result = new PolicyGenerator(model).Generate(new GenerationRequest(MixedPrompts, o));
        for (var b = 0; b < MixedPrompts.Length; b++)
        {
            var row = result.Rows[b];
            var logits = PlainLogits(model, [.. MixedPrompts[b], .. row.Tokens]);
            for (var i = 0; i < row.Tokens.Length; i++)
            {
                var want = LogSoftmax(logits[MixedPrompts[b].Length - 1 + i], temperature)[row.Tokens[i]];
                Assert.True(Math.Abs(want - row.LogProbs[i]) < 1e-4, $"row {b} token {i}: reference {want}, generator {row.LogProbs[i]}");
            }
        }
    }

    [Fact]
    public void SamplingIsDeterministicForASeed()
    {
        using var model = LlamaModel.Create(Tiny, seed: 13);
        var gen = new PolicyGenerator(model);
        GenerationResult Run(ulong seed) => gen.Generate(new GenerationRequest(MixedPrompts, new SamplingOptions { MaxNewTokens = 10, Seed = seed }));
        var a = Run(1);
        var b = Run(1);
        var c = Run(2);
        Assert.Equal(a.Rows.Select(r => r.Tokens), b.Rows.Select(r => r.Tokens));
        Assert.Equal(a.Rows.Select(r => r.LogProbs), b.Rows.Select(r => r.LogProbs));
        Assert.NotEqual(a.Rows.SelectMany(r => r.Tokens), c.Rows.SelectMany(r => r.Tokens));
    }

    [Fact]
    public void StopTokensEndRowsWhichThenStopGrowing()
    {
        using var model = LlamaModel.Create(Tiny, seed: 14);
        var gen = new PolicyGenerator(model);
        var free = gen.Generate(new GenerationRequest(MixedPrompts, new SamplingOptions { Greedy = true, MaxNewTokens = 10 }));
        // Stop at the 3rd token row 0 would produce; other rows stop wherever that id appears, or run to length.
        var stopId = free.Rows[0].Tokens[2];
        var stopped = gen.Generate(new GenerationRequest(MixedPrompts, new SamplingOptions { Greedy = true, MaxNewTokens = 10, StopTokenIds = [stopId] }));
        for (var b = 0; b < MixedPrompts.Length; b++)
        {
            var full = free.Rows[b].Tokens;
            var cut = Array.IndexOf(full, stopId);
            var row = stopped.Rows[b];
            if (cut >= 0)
            {
                Assert.Equal(full.Take(cut + 1), row.Tokens);
                Assert.Equal(FinishReason.Stop, row.FinishReason);
            }
            else
            {
                Assert.Equal(full, row.Tokens);
                Assert.Equal(FinishReason.Length, row.FinishReason);
            }
            Assert.Equal(row.Tokens.Length, row.LogProbs.Length);
        }
        Assert.True(stopped.Rows[0].Tokens.Length <= 3);
    }

    [Fact]
    public void StopStringsEndRowsAtTheTokenThatCompletesThem()
    {
        var tokenizer = new CharTokenizer("abcdefghijklmnopqrstuvwxyz0123456789 .,!?ABCDEFGHIJK");
        using var model = LlamaModel.Create(Tiny with { VocabSize = tokenizer.VocabSize }, seed: 15);
        var gen = new PolicyGenerator(model, tokenizer);
        var prompts = new[] { tokenizer.Encode("hello", false), tokenizer.Encode("ab", false) };
        var free = gen.Generate(new GenerationRequest(prompts, new SamplingOptions { Greedy = true, MaxNewTokens = 12 }));
        var text = tokenizer.Decode(free.Rows[0].Tokens);
        var stop = text.Substring(3, 2); // two characters that first appear at or before 4..5
        var first = text.IndexOf(stop, StringComparison.Ordinal);
        var stopped = gen.Generate(new GenerationRequest(prompts, new SamplingOptions { Greedy = true, MaxNewTokens = 12, StopStrings = [stop] }));
        Assert.Equal(FinishReason.Stop, stopped.Rows[0].FinishReason);
        Assert.Equal(text[..(first + stop.Length)], tokenizer.Decode(stopped.Rows[0].Tokens));
    }

    [Fact]
    public void BadRequestsAreRejectedWithTheValues()
    {
        using var model = LlamaModel.Create(Tiny, seed: 1);
        var gen = new PolicyGenerator(model);
        Assert.Contains("token id 99", Assert.Throws<ArgumentException>(() => gen.Generate(new GenerationRequest([[1, 99]], new SamplingOptions()))).Message);
        Assert.Contains("prompt 1 is empty", Assert.Throws<ArgumentException>(() => gen.Generate(new GenerationRequest([[1], []], new SamplingOptions()))).Message);
        Assert.Contains("max_position_embeddings", Assert.Throws<ArgumentException>(() => gen.Generate(new GenerationRequest([[1]], new SamplingOptions { MaxNewTokens = 500 }))).Message);
        Assert.Contains("tokenizer", Assert.Throws<ArgumentException>(() => gen.Generate(new GenerationRequest([[1]], new SamplingOptions { StopStrings = ["x"] }))).Message);
        Assert.Contains("TopP", Assert.Throws<ArgumentException>(() => gen.Generate(new GenerationRequest([[1]], new SamplingOptions { TopP = 0 }))).Message);
    }
}
