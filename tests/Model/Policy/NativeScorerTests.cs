using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Policy;

/// <summary>
/// The fused native scorer (llama_train.cpp) against the op-by-op autograd path, its reference:
/// same log-probs and entropies, and the same gradient of every parameter through its
/// hand-written backward.
/// </summary>
public class NativeScorerTests
{
    private static LlamaConfig Config(string kind) => kind switch
    {
        // GQA, untied head.
        "gqa" => new LlamaConfig
        {
            VocabSize = 37, HiddenSize = 24, IntermediateSize = 40, NumHiddenLayers = 2, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, MaxPositionEmbeddings = 64, TieWordEmbeddings = false, InitializerRange = 0.3,
        },
        // Every bias, tied head, multi-head (nkv = nh), three layers.
        "biases" => new LlamaConfig
        {
            VocabSize = 29, HiddenSize = 16, IntermediateSize = 24, NumHiddenLayers = 3, NumAttentionHeads = 2,
            NumKeyValueHeads = 2, MaxPositionEmbeddings = 64, TieWordEmbeddings = true, AttentionBias = true, MlpBias = true,
            InitializerRange = 0.3,
        },
        // Qwen2-style q/k/v biases, 6 query heads over 2 K/V heads, head size not C / nh, rope scaling.
        "qwen" => new LlamaConfig
        {
            Architecture = "Qwen2ForCausalLM", VocabSize = 41, HiddenSize = 20, IntermediateSize = 36, NumHiddenLayers = 1,
            NumAttentionHeads = 6, NumKeyValueHeads = 2, HeadDimOverride = 6, MaxPositionEmbeddings = 64, QkvBias = true,
            TieWordEmbeddings = true, InitializerRange = 0.3, RopeTheta = 500000, RopeScaling = new RopeScaling(8, 1, 4, 16),
        },
        _ => throw new ArgumentException(kind),
    };

    private static (int[][] Prompts, int[][] Completions) Rows(int vocab, int seed)
    {
        var rng = new Random(seed);
        int[] Ids(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.Next(vocab))];
        // Ragged prompts (one of a single token) and completions of different lengths, one empty.
        int[][] prompts = [Ids(5), Ids(1), Ids(9), Ids(3), Ids(6)];
        int[][] completions = [Ids(4), Ids(7), Ids(1), [], Ids(7)];
        return (prompts, completions);
    }

    /// <summary>
    /// Groups of 2-4 rows with the same prompt, interleaved with each other and with unique prompts:
    /// ragged completions, empty ones, ones of a single token (only the shared prompt's last token
    /// is scored), a prompt only an empty completion uses, and a prompt that is a prefix of another
    /// (which must not share it).
    /// </summary>
    private static (int[][] Prompts, int[][] Completions) SharedRows(int vocab, int seed)
    {
        var rng = new Random(seed);
        int[] Ids(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.Next(vocab))];
        int[] a = Ids(7), b = Ids(1), c = Ids(9), d = Ids(4), e = Ids(5), f = a[..5];
        int[][] prompts = [a, d, b, a, c, d, a, b, e, a, d, f];
        int[][] completions = [Ids(5), Ids(2), Ids(3), [], Ids(4), Ids(7), Ids(1), Ids(4), [], Ids(6), Ids(3), Ids(2)];
        return (prompts, completions);
    }

    private sealed record Run(float[] LogProbs, float[] Entropies, bool RequiresGrad, Dictionary<string, float[]> Grads);

    /// <summary>Scores on one path and backpropagates sum(logp * a) + sum(entropy * e) with fixed random a, e.</summary>
    private static Run Score(LlamaModel model, bool native, int[][] prompts, int[][] completions, double temperature, bool withGrad,
        bool entropyTerm = true)
    {
        model.UseNativeKernel = native;
        foreach (var p in model.Parameters()) p.zero_grad();
        using var scope = torch.NewDisposeScope();
        using var score = Scorer.Score(model, prompts, completions, temperature, withGrad);
        var grads = new Dictionary<string, float[]>();
        if (withGrad)
        {
            using var gen = new Generator(7);
            var a = torch.randn(score.LogProbs.shape, generator: gen);
            var e = torch.randn(score.Entropies.shape, generator: gen);
            var loss = (score.LogProbs * a).sum();
            if (entropyTerm) loss = loss + (score.Entropies * e).sum();
            loss.backward();
            foreach (var (name, p) in model.NamedParameters)
            {
                grads[name] = p.grad is { } g ? g.data<float>() : throw new Xunit.Sdk.XunitException($"{name} got no gradient");
            }
        }
        return new Run(score.LogProbs.data<float>(), score.Entropies.data<float>(), score.LogProbs.requires_grad, grads);
    }

    private static void Close(float[] expected, float[] actual, double rel, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(1e-3, expected.Max(v => Math.Abs(v)));
        for (var i = 0; i < expected.Length; i++)
        {
            var tol = rel * Math.Max(Math.Abs(expected[i]), scale);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"{what}[{i}]: reference {expected[i]}, native {actual[i]}");
        }
    }

    /// <summary>sharedPrompts: rows from <see cref="SharedRows"/>, some of them sharing prompts.</summary>
    [Theory]
    [InlineData("gqa", 1.0, false)]
    [InlineData("gqa", 0.7, false)]
    [InlineData("biases", 1.3, false)]
    [InlineData("qwen", 1.0, false)]
    [InlineData("gqa", 1.0, true)]
    [InlineData("gqa", 0.7, true)]
    [InlineData("biases", 1.3, true)]
    [InlineData("qwen", 1.0, true)]
    public void ScoresAndEveryGradientEqualTheOpByOpPath(string kind, double temperature, bool sharedPrompts)
    {
        using var model = LlamaModel.Create(Config(kind), seed: 5);
        var (prompts, completions) = sharedPrompts ? SharedRows(model.Config.VocabSize, seed: 21) : Rows(model.Config.VocabSize, seed: 11);
        var reference = Score(model, native: false, prompts, completions, temperature, withGrad: true);
        var native = Score(model, native: true, prompts, completions, temperature, withGrad: true);
        Assert.True(native.RequiresGrad);
        Close(reference.LogProbs, native.LogProbs, 1e-5, "logp");
        Close(reference.Entropies, native.Entropies, 1e-5, "entropy");
        Assert.Equal(reference.Grads.Keys, native.Grads.Keys);
        foreach (var (name, g) in reference.Grads)
        {
            Assert.True(g.Any(v => v != 0), $"{name}: the reference gradient is all zero, so the comparison proves nothing");
            Close(g, native.Grads[name], 1e-4, name);
        }
    }

    [Fact]
    public void EachDistinctPromptIsPackedOnce()
    {
        using var model = LlamaModel.Create(Config("gqa"), seed: 16);
        var (prompts, completions) = SharedRows(model.Config.VocabSize, seed: 22);
        var (B, P, Tc) = (prompts.Length, prompts.Max(p => p.Length), completions.Max(c => c.Length));
        var (ids, pad) = (new long[B * (P + Tc)], new long[B]);
        for (var b = 0; b < B; b++)
        {
            pad[b] = P - prompts[b].Length;
            for (var i = 0; i < prompts[b].Length; i++) ids[b * (P + Tc) + pad[b] + i] = prompts[b][i];
            for (var i = 0; i < completions[b].Length; i++) ids[b * (P + Tc) + P + i] = completions[b][i];
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        NativeScorer.Score(model, ids, pad, [.. completions.Select(c => (long)c.Length)], P, Tc, 1.0, out var packed);
        // a (7), b (1), c (9), d (4) and f (5) once each; e only precedes an empty completion.
        var completionTokens = completions.Sum(c => Math.Max(0, c.Length - 1));
        Assert.Equal(7 + 1 + 9 + 4 + 5 + completionTokens, packed);
    }

    [Fact]
    public void GroupsSharingPromptsLargeEnoughToSplitIntoThreadChunksMatchTheReference()
    {
        // Ten groups of four rows: the backward splits its work by prompt group.
        using var model = LlamaModel.Create(Config("gqa"), seed: 17);
        var rng = new Random(23);
        int[] Ids(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.Next(model.Config.VocabSize))];
        var groupPrompts = Enumerable.Range(0, 10).Select(g => Ids(20 + g % 5)).ToArray();
        int[][] prompts = [.. Enumerable.Range(0, 40).Select(i => groupPrompts[i / 4])];
        int[][] completions = [.. Enumerable.Range(0, 40).Select(i => Ids(i % 11))];
        var reference = Score(model, native: false, prompts, completions, 1.0, withGrad: true);
        var native = Score(model, native: true, prompts, completions, 1.0, withGrad: true);
        Close(reference.LogProbs, native.LogProbs, 1e-5, "logp");
        Close(reference.Entropies, native.Entropies, 1e-5, "entropy");
        foreach (var (name, g) in reference.Grads) Close(g, native.Grads[name], 1e-4, name);
    }

    [Fact]
    public void WithoutTheEntropyTermOnlyLogProbsDriveTheGradient()
    {
        using var model = LlamaModel.Create(Config("gqa"), seed: 6);
        var (prompts, completions) = Rows(model.Config.VocabSize, seed: 12);
        var reference = Score(model, native: false, prompts, completions, 0.9, withGrad: true, entropyTerm: false);
        var native = Score(model, native: true, prompts, completions, 0.9, withGrad: true, entropyTerm: false);
        foreach (var (name, g) in reference.Grads) Close(g, native.Grads[name], 1e-4, name);
    }

    [Fact]
    public void WithoutGradTheScoresAreTheSameAndDetached()
    {
        using var model = LlamaModel.Create(Config("gqa"), seed: 7);
        var (prompts, completions) = Rows(model.Config.VocabSize, seed: 13);
        var graded = Score(model, native: true, prompts, completions, 1.0, withGrad: true);
        var plain = Score(model, native: true, prompts, completions, 1.0, withGrad: false);
        Assert.False(plain.RequiresGrad);
        Assert.Equal(graded.LogProbs, plain.LogProbs);
        Assert.Equal(graded.Entropies, plain.Entropies);
    }

    [Fact]
    public void ARowsScoresDoNotDependOnItsBatch()
    {
        using var model = LlamaModel.Create(Config("gqa"), seed: 8);
        var (prompts, completions) = Rows(model.Config.VocabSize, seed: 14);
        var batch = Score(model, native: true, prompts, completions, 1.0, withGrad: false);
        var Tc = completions.Max(c => c.Length);
        for (var b = 0; b < prompts.Length; b++)
        {
            var alone = Score(model, native: true, [prompts[b]], [completions[b]], 1.0, withGrad: false);
            var n = Math.Max(1, completions[b].Length);
            Close(alone.LogProbs[..n], batch.LogProbs[(b * Tc)..(b * Tc + n)], 1e-5, $"row {b} logp");
            Close(alone.Entropies[..n], batch.Entropies[(b * Tc)..(b * Tc + n)], 1e-5, $"row {b} entropy");
            for (var i = completions[b].Length; i < Tc; i++)
            {
                Assert.Equal((0f, 0f), (batch.LogProbs[b * Tc + i], batch.Entropies[b * Tc + i]));
            }
        }
    }

    [Fact]
    public void ABatchWithoutCompletionTokensScoresZeroAndGetsZeroGradients()
    {
        using var model = LlamaModel.Create(Config("biases"), seed: 10);
        int[][] prompts = [[1, 2, 3], [4]];
        int[][] completions = [[], []];
        var reference = Score(model, native: false, prompts, completions, 1.0, withGrad: true);
        var native = Score(model, native: true, prompts, completions, 1.0, withGrad: true);
        Assert.Equal(reference.LogProbs, native.LogProbs);
        Assert.All(native.LogProbs.Concat(native.Entropies), v => Assert.Equal(0f, v));
        foreach (var (name, g) in native.Grads) Assert.True(g.All(v => v == 0), $"{name} has a nonzero gradient");
    }

    [Fact]
    public void ABatchLargeEnoughToSplitIntoThreadChunksMatchesTheReference()
    {
        // Over 16k floats per row loop, so the row loops run in several chunks when libtorch has more than one thread.
        using var model = LlamaModel.Create(Config("gqa"), seed: 12);
        var rng = new Random(16);
        int[] Ids(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.Next(model.Config.VocabSize))];
        int[][] prompts = [.. Enumerable.Range(0, 40).Select(i => Ids(12 + i % 7))];
        int[][] completions = [.. Enumerable.Range(0, 40).Select(i => Ids(10 + i % 9))];
        var reference = Score(model, native: false, prompts, completions, 1.0, withGrad: true);
        var native = Score(model, native: true, prompts, completions, 1.0, withGrad: true);
        Close(reference.LogProbs, native.LogProbs, 1e-5, "logp");
        Close(reference.Entropies, native.Entropies, 1e-5, "entropy");
        foreach (var (name, g) in reference.Grads) Close(g, native.Grads[name], 1e-4, name);
    }
}
