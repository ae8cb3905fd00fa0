using Pipeline.Model.Policy;
using Pipeline.Model.Tokenizers;
using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Policy;

/// <summary>The whole-model native generation kernel against the ATen path (LlamaModel.Forward + RowSampler) it replaces.</summary>
public class NativeDecoderTests
{
    public static TheoryData<string> Variants => ["gqa", "mha", "one-kv-head", "biases", "tied", "wide"];

    private static LlamaConfig Config(string variant) => variant switch
    {
        "gqa" => PolicyTestModels.Tiny,
        "mha" => PolicyTestModels.Tiny with { NumKeyValueHeads = 4 },
        "one-kv-head" => PolicyTestModels.Tiny with { NumKeyValueHeads = 1, QkvBias = true },
        "biases" => PolicyTestModels.Tiny with { AttentionBias = true, MlpBias = true },
        "tied" => PolicyTestModels.Tiny with { TieWordEmbeddings = true, RopeTheta = 500 },
        // Sizes that are not multiples of the vector width, more layers and a bigger vocabulary.
        "wide" => PolicyTestModels.Tiny with { VocabSize = 301, HiddenSize = 36, IntermediateSize = 53, NumHiddenLayers = 3, NumAttentionHeads = 6, NumKeyValueHeads = 3 },
        _ => throw new ArgumentException(variant),
    };

    private static LlamaModel Model(string variant, ulong seed)
    {
        var model = LlamaModel.Create(Config(variant), seed);
        using var _ = torch.no_grad();
        using var gen = new Generator(seed + 100);
        // Biases start at zero: make them count.
        foreach (var (name, t) in model.NamedParameters.Where(p => p.Name.EndsWith(".bias", StringComparison.Ordinal))) t.normal_(0, 0.3, gen);
        return model;
    }

    private static readonly int[][] RaggedPrompts = [[5, 7, 9], [11], [3, 4, 5, 6, 7, 8, 9], [20, 21, 22, 23, 24], [1, 2], [9, 9, 9, 9]];

    private static GenerationResult Run(LlamaModel model, bool native, GenerationRequest request, ITokenizer? tokenizer = null)
    {
        model.UseNativeKernel = native;
        try
        {
            return new PolicyGenerator(model, tokenizer).Generate(request);
        }
        finally
        {
            model.UseNativeKernel = true;
        }
    }

    private static void AssertSameRows(GenerationResult reference, GenerationResult native)
    {
        Assert.Equal(reference.Rows.Count, native.Rows.Count);
        for (var b = 0; b < reference.Rows.Count; b++)
        {
            var (want, got) = (reference.Rows[b], native.Rows[b]);
            Assert.Equal(want.Tokens, got.Tokens);
            Assert.Equal(want.FinishReason, got.FinishReason);
            Assert.Equal(want.LogProbs.Length, got.LogProbs.Length);
            for (var i = 0; i < want.LogProbs.Length; i++)
            {
                Assert.True(Math.Abs(want.LogProbs[i] - got.LogProbs[i]) < 1e-4, $"row {b} token {i}: ATen {want.LogProbs[i]}, native {got.LogProbs[i]}");
            }
        }
    }

    private static ulong[] Seeds(int n, ulong salt) => [.. Enumerable.Range(0, n).Select(i => (ulong)i * 7919 + salt)];

    public static TheoryData<string, string> VariantsAndSamplings()
    {
        var data = new TheoryData<string, string>();
        foreach (var v in new[] { "gqa", "mha", "one-kv-head", "biases", "tied", "wide" })
        {
            foreach (var s in new[] { "greedy", "plain", "temperature", "top-k", "top-p", "top-k-top-p" }) data.Add(v, s);
        }
        return data;
    }

    private static SamplingOptions Sampling(string name) => name switch
    {
        "greedy" => new SamplingOptions { Greedy = true, MaxNewTokens = 14 },
        "plain" => new SamplingOptions { MaxNewTokens = 14 },
        "temperature" => new SamplingOptions { MaxNewTokens = 14, Temperature = 0.6 },
        "top-k" => new SamplingOptions { MaxNewTokens = 14, TopK = 7, Temperature = 1.3 },
        "top-p" => new SamplingOptions { MaxNewTokens = 14, TopP = 0.8 },
        "top-k-top-p" => new SamplingOptions { MaxNewTokens = 14, TopK = 12, TopP = 0.7, Temperature = 0.9 },
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(VariantsAndSamplings))]
    public void NativeGenerationGivesTheTokensAndLogProbsOfTheATenPath(string variant, string sampling)
    {
        using var model = Model(variant, seed: 31);
        var o = Sampling(sampling);
        var request = new GenerationRequest(RaggedPrompts, o) { RowSeeds = Seeds(RaggedPrompts.Length, 5) };
        var reference = Run(model, native: false, request);
        var native = Run(model, native: true, request);
        AssertSameRows(reference, native);
        // Not a degenerate comparison: the rows produce varied tokens.
        Assert.True(native.Rows.SelectMany(r => r.Tokens).Distinct().Count() > 4);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("greedy")]
    [InlineData("top-k-top-p")]
    public void RowsSharingAPromptAsInGroupsGiveTheATenPathsRows(string sampling)
    {
        // GRPO groups: each prompt several times in a row, and one prompt again later; the kernel prefills each prompt once.
        using var model = Model("gqa", seed: 35);
        int[][] prompts = [[5, 7, 9], [5, 7, 9], [5, 7, 9], [3, 4, 5, 6, 7], [3, 4, 5, 6, 7], [7, 9], [5, 7, 9], [4, 5, 6, 7]];
        var request = new GenerationRequest(prompts, Sampling(sampling)) { RowSeeds = Seeds(prompts.Length, 11) };
        var native = Run(model, native: true, request);
        AssertSameRows(Run(model, native: false, request), native);
        if (sampling != "greedy") Assert.NotEqual(native.Rows[0].Tokens, native.Rows[1].Tokens);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void StopIdsEndRowsAsOnTheATenPath(string variant)
    {
        using var model = Model(variant, seed: 32);
        var o = new SamplingOptions { MaxNewTokens = 16, TopK = 6 };
        var seeds = Seeds(RaggedPrompts.Length, 9);
        var free = Run(model, native: false, new GenerationRequest(RaggedPrompts, o) { RowSeeds = seeds });
        // Stop ids taken from what the rows produce, so some rows stop early and others run on.
        int[] stops = [free.Rows[0].Tokens[2], free.Rows[3].Tokens[5]];
        var request = new GenerationRequest(RaggedPrompts, o with { StopTokenIds = stops }) { RowSeeds = seeds };
        var reference = Run(model, native: false, request);
        var native = Run(model, native: true, request);
        AssertSameRows(reference, native);
        Assert.Contains(native.Rows, r => r.FinishReason == FinishReason.Stop);
        Assert.Contains(native.Rows, r => r.Tokens.Length < 16);
    }

    [Fact]
    public void StopStringsEndRowsAsOnTheATenPath()
    {
        var tokenizer = new CharTokenizer("abcdefghijklmnopqrstuvwxyz0123456789 .,!?ABCDEFGHIJK");
        using var model = LlamaModel.Create(PolicyTestModels.Tiny with { VocabSize = tokenizer.VocabSize }, seed: 15);
        int[][] prompts = [tokenizer.Encode("hello", false), tokenizer.Encode("ab", false), tokenizer.Encode("xyz12", false)];
        var o = new SamplingOptions { MaxNewTokens = 12, TopK = 5 };
        var seeds = Seeds(prompts.Length, 3);
        var free = Run(model, native: false, new GenerationRequest(prompts, o) { RowSeeds = seeds }, tokenizer);
        var text = tokenizer.Decode(free.Rows[0].Tokens);
        var request = new GenerationRequest(prompts, o with { StopStrings = [text.Substring(3, 2)], StopTokenIds = [free.Rows[1].Tokens[4]] }) { RowSeeds = seeds };
        var reference = Run(model, native: false, request, tokenizer);
        var native = Run(model, native: true, request, tokenizer);
        AssertSameRows(reference, native);
        Assert.Equal(FinishReason.Stop, native.Rows[0].FinishReason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NativeRowsFollowTheirSeedsNotTheirBatch(bool greedy)
    {
        using var model = Model("biases", seed: 33);
        var o = new SamplingOptions { MaxNewTokens = 12, TopK = 20, Greedy = greedy };
        GenerationRow[] Gen(int[][] prompts, ulong[] seeds) => [.. Run(model, native: true, new GenerationRequest(prompts, o) { RowSeeds = seeds }).Rows];
        var alone = Gen([[5, 7, 9]], [42]);
        var batched = Gen([[3, 4, 5, 6, 7, 8, 9], [5, 7, 9], [5, 7, 9], [1], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]], [7, 42, 43, 8, 9]);
        Assert.Equal(alone[0].Tokens, batched[1].Tokens);
        Assert.Equal(alone[0].LogProbs, batched[1].LogProbs, (a, b) => Math.Abs(a - b) < 1e-4f);
        if (!greedy) Assert.NotEqual(batched[1].Tokens, batched[2].Tokens); // same prompt, other seed
    }

    [Fact]
    public void ProjectionsThroughATenMatmulGiveTheSameRows()
    {
        using var model = Model("gqa", seed: 34);
        var request = new GenerationRequest(RaggedPrompts, Sampling("top-p")) { RowSeeds = Seeds(RaggedPrompts.Length, 1) };
        var blas = Run(model, native: true, request);
        NativeDecoder.UseBlas = false;
        try
        {
            using (var decoder = new NativeDecoder(model, 1, 4, 2)) Assert.False(decoder.UsesBlas);
            AssertSameRows(blas, Run(model, native: true, request));
        }
        finally
        {
            NativeDecoder.UseBlas = true;
        }
    }

    [Fact]
    public void TheKernelsExpAgreesWithLibm()
    {
        // float32: where activations and attention scores live; float64: the sampler's CDF over (-inf, 0].
        var xf = Enumerable.Range(0, 20001).Select(i => -87f + i * (175f / 20000)).ToArray();
        var xd = Enumerable.Range(0, 20001).Select(i => -740.0 + i * (740.0 / 20000) + i % 7 * 1e-3).ToArray();
        xd[0] = double.NegativeInfinity;
        var (ef, ed) = NativeDecoder.Exp(xf, xd);
        for (var i = 0; i < xf.Length; i++)
        {
            var want = Math.Exp(xf[i]);
            Assert.True(Math.Abs(ef[i] - want) <= 3e-7 * want, $"exp({xf[i]}) = {want}, kernel float32 {ef[i]}");
        }
        Assert.Equal(0.0, ed[0]);
        for (var i = 1; i < xd.Length; i++)
        {
            var want = Math.Exp(xd[i]);
            var tolerance = xd[i] < -708 ? 1e-300 : 4e-16 * want; // below -708 the kernel flushes to 0, libm to a subnormal
            Assert.True(Math.Abs(ed[i] - want) <= tolerance, $"exp({xd[i]}) = {want}, kernel float64 {ed[i]}");
        }
    }

    [Fact]
    public void MisuseIsAnErrorNotACrash()
    {
        using var model = LlamaModel.Create(PolicyTestModels.Tiny, seed: 1);
        var decoder = new NativeDecoder(model, batch: 2, capacity: 8, maxPromptLength: 3);
        var o = new SamplingOptions { Greedy = true, MaxNewTokens = 4 };
        long[] ids = [1, 2, 3, 0, 4, 5];
        var (state, tokens, logProbs, counts) = (new byte[2], new int[8], new float[8], new int[2]);
        int Run(long[] i, long[] pad, int step0, int steps) => decoder.Run(i, 3, pad, o, null, [], step0, steps, state, tokens, logProbs, counts);
        Assert.Contains("before the prefill", Assert.Throws<TorchException>(() => Run(ids, [0, 1], 1, 1)).Message);
        Assert.Contains("row 1 has no prompt token", Assert.Throws<TorchException>(() => Run(ids, [0, 3], 0, 1)).Message);
        Assert.Contains("token id 99", Assert.Throws<TorchException>(() => Run([1, 2, 99, 0, 4, 5], [0, 1], 0, 1)).Message);
        Assert.Throws<ArgumentException>(() => decoder.Run(ids, 3, [0, 1], o, null, [], 0, 1, state, new int[3], logProbs, counts));
        Assert.Throws<ArgumentException>(() => decoder.Run(ids, 3, [0, 1], o with { Greedy = false }, null, [], 0, 1, state, tokens, logProbs, counts));
        // Still usable after the errors: the whole generation in one call, every row to length.
        Assert.Equal(4, Run(ids, [0, 1], 0, 4));
        Assert.Equal([4, 4], counts);
        Assert.Equal([2, 2], state);
        decoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Run(ids, [0, 1], 0, 1));
    }

    [Fact]
    public void OnlyFloat32CpuModelsThatAllowItUseTheKernel()
    {
        using var f32 = LlamaModel.Create(PolicyTestModels.Tiny, seed: 1);
        using var bf16 = LlamaModel.Create(PolicyTestModels.Tiny, seed: 1, ScalarType.BFloat16);
        Assert.True(NativeDecoder.Supports(f32));
        Assert.False(NativeDecoder.Supports(bf16));
        Assert.Throws<ArgumentException>(() => new NativeDecoder(bf16, 1, 4, 2));
        f32.UseNativeKernel = false;
        Assert.False(NativeDecoder.Supports(f32));
    }
}
