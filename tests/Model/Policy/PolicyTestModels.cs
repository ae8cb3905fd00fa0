using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Policy;

internal static class PolicyTestModels
{
    /// <summary>Small enough for many forwards per test; GQA (4 query heads over 2 K/V heads), untied head.</summary>
    public static readonly LlamaConfig Tiny = new()
    {
        VocabSize = 50, HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 2, MaxPositionEmbeddings = 128, TieWordEmbeddings = false, InitializerRange = 0.3,
    };

    public static readonly int[][] MixedPrompts = [[5, 7, 9], [11], [3, 4, 5, 6, 7, 8, 9], [20, 21, 22, 23, 24]];

    /// <summary>Unpadded, uncached logits of one sequence: (T, V) as rows of floats.</summary>
    public static float[][] PlainLogits(LlamaModel model, IReadOnlyList<int> ids)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var T = ids.Count;
        var input = torch.tensor(ids.Select(i => (long)i).ToArray(), [1, T]);
        var logits = model.Forward(input, LlamaModel.Positions(torch.zeros([1], ScalarType.Int64), 0, T),
            LlamaModel.AttentionMask(torch.ones([1, T], ScalarType.Bool), 0, T));
        var flat = logits.data<float>();
        var V = model.Config.VocabSize;
        return [.. Enumerable.Range(0, T).Select(t => flat.AsSpan(t * V, V).ToArray())];
    }

    public static int ArgMax(float[] x)
    {
        var best = 0;
        for (var i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /// <summary>log_softmax(x / temperature), in double, by the definition.</summary>
    public static double[] LogSoftmax(float[] x, double temperature = 1.0)
    {
        var s = x.Select(v => v / temperature).ToArray();
        var max = s.Max();
        var lse = max + Math.Log(s.Sum(v => Math.Exp(v - max)));
        return [.. s.Select(v => v - lse)];
    }
}
