using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Policy;

public class SamplerTests
{
    /// <summary>The reference filter: which tokens survive top-k then top-p, by sorting one row by hand.</summary>
    private static HashSet<int> Kept(float[] logits, int topK, double topP)
    {
        var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ToList();
        if (topK > 0) order = order.Take(topK).ToList();
        var max = logits[order[0]];
        var z = order.Sum(i => Math.Exp(logits[i] - max));
        var kept = new HashSet<int>();
        double mass = 0;
        foreach (var i in order)
        {
            if (mass >= topP) break; // the nucleus is complete
            kept.Add(i);
            mass += Math.Exp(logits[i] - max) / z;
        }
        return kept;
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(5, 1.0)]
    [InlineData(0, 0.5)]
    [InlineData(8, 0.8)]
    [InlineData(1, 0.9)]
    [InlineData(0, 1e-6)]
    public void FilterKeepsWhatTheReferenceKeeps(int topK, double topP)
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.randn([3, 20], generator: new Generator(9)) * 2.0;
        var filtered = Sampler.Filter(logits, topK, topP).data<float>();
        var raw = logits.data<float>();
        for (var b = 0; b < 3; b++)
        {
            var row = raw.AsSpan(b * 20, 20).ToArray();
            var want = Kept(row, topK, topP);
            var got = Enumerable.Range(0, 20).Where(i => !float.IsNegativeInfinity(filtered[b * 20 + i])).ToHashSet();
            Assert.Equal(want.Order(), got.Order());
            foreach (var i in got) Assert.Equal(row[i], filtered[b * 20 + i]);
        }
    }

    [Fact]
    public void GreedyTakesTheArgmaxAndReportsItsLogProb()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new float[] { 0, 3, 1, -1, 5, 2 }, [2, 3]);
        var (tokens, logp) = Sampler.Sample(logits, new SamplingOptions { Greedy = true, Temperature = 0.3 }, null);
        Assert.Equal([1L, 1L], tokens.data<long>());
        var lp = logp.data<float>();
        Assert.Equal(PolicyTestModels.LogSoftmax([0, 3, 1])[1], lp[0], 5);
        Assert.Equal(PolicyTestModels.LogSoftmax([-1, 5, 2])[1], lp[1], 5);
    }

    [Fact]
    public void SampledTokensFollowTheFilteredDistribution()
    {
        using var scope = torch.NewDisposeScope();
        // Row probabilities ~ softmax([2, 1, 0, -inf...]): top-k 2 leaves tokens 0 and 1 at e/(e+1) and 1/(e+1).
        var row = new float[] { 2, 1, 0, -1 };
        var logits = torch.tensor(Enumerable.Repeat(row, 4000).SelectMany(x => x).ToArray(), [4000, 4]);
        var (tokens, logp) = Sampler.Sample(logits, new SamplingOptions { TopK = 2, Seed = 1 }, new Generator(3));
        var t = tokens.data<long>();
        Assert.DoesNotContain(t, x => x > 1);
        var share0 = t.Count(x => x == 0) / 4000.0;
        Assert.InRange(share0, Math.E / (Math.E + 1) - 0.03, Math.E / (Math.E + 1) + 0.03);
        // Log-probs are under the unfiltered distribution.
        var full = PolicyTestModels.LogSoftmax(row);
        var lp = logp.data<float>();
        for (var i = 0; i < 50; i++) Assert.Equal(full[t[i]], lp[i], 5);
    }
}
