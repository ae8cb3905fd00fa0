using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Policy;

public class RowSamplerTests
{
    private static readonly float[] Logits = [1.5f, -0.5f, 0.0f, 2.0f, -3.0f, 0.7f, 0.2f, -1.0f];

    /// <summary>The reference: the filtered softmax of one row, by sorting it by hand (top-k, then the top-p nucleus).</summary>
    private static double[] Reference(float[] logits, int topK, double topP)
    {
        var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ToList();
        if (topK > 0) order = [.. order.Take(topK)];
        double max = logits[order[0]], z = order.Sum(i => Math.Exp(logits[i] - max));
        var kept = new List<int>();
        double mass = 0;
        foreach (var i in order)
        {
            if (mass >= topP) break;
            kept.Add(i);
            mass += Math.Exp(logits[i] - max) / z;
        }
        var probs = new double[logits.Length];
        double keptZ = kept.Sum(i => Math.Exp(logits[i] - max));
        foreach (var i in kept) probs[i] = Math.Exp(logits[i] - max) / keptZ;
        return probs;
    }

    private static long[] Sample(float[][] rows, ulong[] seeds, SamplingOptions o, int steps)
    {
        using var scope = torch.NewDisposeScope();
        using var sampler = new RowSampler(seeds, steps, Device.CPU);
        var logits = torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        var drawn = new long[rows.Length * steps];
        for (int s = 0; s < steps; s++)
        {
            var tokens = sampler.Sample(logits, o, s).Tokens.data<long>();
            for (int b = 0; b < rows.Length; b++) drawn[b * steps + s] = tokens[b];
        }
        return drawn;
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(3, 1.0)]
    [InlineData(0, 0.7)]
    [InlineData(5, 0.9)]
    public void DrawsFollowTheFilteredSoftmax(int topK, double topP)
    {
        const int n = 20_000;
        var o = new SamplingOptions { TopK = topK, TopP = topP };
        var drawn = Sample([.. Enumerable.Repeat(Logits, n)], [.. Enumerable.Range(0, n).Select(i => (ulong)i * 7919)], o, 1);
        var expected = Reference(Logits, topK, topP);
        var counts = new int[Logits.Length];
        foreach (var t in drawn) counts[t]++;
        double chi2 = 0;
        int cells = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (expected[i] == 0)
            {
                Assert.Equal(0, counts[i]); // filtered tokens are never drawn
                continue;
            }
            chi2 += Math.Pow(counts[i] - n * expected[i], 2) / (n * expected[i]);
            cells++;
        }
        // 99.9th percentile of chi-square with <= 7 degrees of freedom is 24.3; fixed seeds make this exact.
        Assert.True(chi2 < 24.3, $"chi-square {chi2:F1} over {cells} cells: counts {string.Join(",", counts)}");
    }

    [Fact]
    public void TemperatureScalesTheDistribution()
    {
        const int n = 20_000;
        var drawn = Sample([.. Enumerable.Repeat(Logits, n)], [.. Enumerable.Range(0, n).Select(i => (ulong)i)], new SamplingOptions { Temperature = 0.5 }, 1);
        var expected = Reference([.. Logits.Select(l => l / 0.5f)], 0, 1.0);
        double chi2 = Enumerable.Range(0, Logits.Length).Sum(i => Math.Pow(drawn.Count(t => t == i) - n * expected[i], 2) / (n * expected[i]));
        Assert.True(chi2 < 24.3, $"chi-square {chi2:F1}");
    }

    [Fact]
    public void ARowDrawsTheSameWhateverItsBatchAndPosition()
    {
        var o = new SamplingOptions();
        float[] other = [.. Logits.Reverse()];
        var alone = Sample([Logits], [42], o, 30);
        var last = Sample([other, other, Logits], [1, 2, 42], o, 30);
        var first = Sample([Logits, Logits], [42, 43], o, 30);
        Assert.Equal(alone, last[60..]);
        Assert.Equal(alone, first[..30]);
        Assert.NotEqual(first[..30], first[30..]); // rows with different seeds draw different streams
    }

    [Fact]
    public void InversionMatchesAHandWalkOfTheCdf()
    {
        using var scope = torch.NewDisposeScope();
        float[] filtered = [0.3f, float.NegativeInfinity, -1.0f, 0.8f, float.NegativeInfinity];
        var probs = Reference(filtered, 0, 1.0);
        double[] us = [0.0, 0.1, 0.35, 0.5, 0.999999, 0.62];
        var tokens = RowSampler.Invert(
            torch.tensor(us.SelectMany(_ => filtered).ToArray(), [us.Length, filtered.Length]),
            torch.tensor(us, [us.Length, 1])).data<long>();
        for (int b = 0; b < us.Length; b++)
        {
            int expected = 0;
            for (double acc = probs[0]; acc <= us[b] || probs[expected] == 0; acc += probs[++expected]) { }
            Assert.Equal(expected, (int)tokens[b]);
        }
    }

    [Fact]
    public void UniformsAreSpreadOverTheUnitInterval()
    {
        var us = Enumerable.Range(0, 10_000).Select(i => RowSampler.Uniform((ulong)i, i % 7)).ToArray();
        Assert.All(us, u => Assert.InRange(u, 0.0, 1.0 - 1e-17));
        Assert.InRange(us.Average(), 0.49, 0.51);
        Assert.NotEqual(RowSampler.Uniform(5, 0), RowSampler.Uniform(5, 1));
        Assert.NotEqual(RowSampler.Uniform(5, 0), RowSampler.Uniform(6, 0));
    }
}

public class RowSeededGenerationTests
{
    [Fact]
    public void GeneratedRowsFollowTheirSeedsNotTheirBatch()
    {
        using var model = LlamaModel.Create(PolicyTestModels.Tiny, seed: 21);
        var gen = new PolicyGenerator(model);
        var o = new SamplingOptions { MaxNewTokens = 12, TopK = 20 };
        GenerationRow[] Run(int[][] prompts, ulong[] seeds) => [.. gen.Generate(new GenerationRequest(prompts, o) { RowSeeds = seeds }).Rows];
        var alone = Run([[5, 7, 9]], [42]);
        var batched = Run([[3, 4, 5, 6, 7, 8, 9], [5, 7, 9], [5, 7, 9]], [7, 42, 43]);
        Assert.Equal(alone[0].Tokens, batched[1].Tokens);
        Assert.Equal(alone[0].LogProbs, batched[1].LogProbs, (a, b) => Math.Abs(a - b) < 1e-4f);
        Assert.NotEqual(batched[1].Tokens, batched[2].Tokens); // same prompt, other seed
        Assert.Throws<ArgumentException>(() => Run([[5, 7, 9]], [1, 2]));
    }
}
