using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Policy;

public class LlamaModelTests
{
    [Fact]
    public void ParametersAreNamedAsHuggingFaceKeys()
    {
        using var model = LlamaModel.Create(PolicyTestModels.Tiny with { QkvBias = true }, seed: 1);
        var names = model.NamedParameters.Select(p => p.Name).ToList();
        Assert.Equal("model.embed_tokens.weight", names[0]);
        Assert.Contains("model.layers.1.self_attn.k_proj.bias", names);
        Assert.DoesNotContain("model.layers.1.self_attn.o_proj.bias", names);
        Assert.Equal(["model.norm.weight", "lm_head.weight"], names[^2..]);
        // 2 x (V x C) + L x (q, k, v, o, biases, 3 mlp, 2 norms) + final norm.
        var c = PolicyTestModels.Tiny;
        long kv = c.NumKeyValueHeads * c.HeadDim;
        long perLayer = 2L * c.HiddenSize * c.HiddenSize + 2 * kv * c.HiddenSize + c.HiddenSize + 2 * kv + 3L * c.HiddenSize * c.IntermediateSize + 2 * c.HiddenSize;
        Assert.Equal(2L * c.VocabSize * c.HiddenSize + c.NumHiddenLayers * perLayer + c.HiddenSize, model.ParameterCount);
    }

    [Fact]
    public void InitialisationIsSeeded()
    {
        using var a = LlamaModel.Create(PolicyTestModels.Tiny, seed: 5);
        using var b = LlamaModel.Create(PolicyTestModels.Tiny, seed: 5);
        using var c = LlamaModel.Create(PolicyTestModels.Tiny, seed: 6);
        using var scope = torch.NewDisposeScope();
        Assert.True(a.NamedParameters.Zip(b.NamedParameters).All(p => p.First.Tensor.detach().equal(p.Second.Tensor.detach())));
        Assert.False(a.NamedParameters[1].Tensor.detach().equal(c.NamedParameters[1].Tensor.detach()));
        var std = a.NamedParameters[1].Tensor.detach().std().item<float>();
        Assert.InRange(std, 0.25, 0.35); // initializer_range 0.3
    }

    [Fact]
    public void ForwardRejectsMismatchedShapesWithTheValues()
    {
        using var model = LlamaModel.Create(PolicyTestModels.Tiny, seed: 1);
        using var scope = torch.NewDisposeScope();
        var ids = torch.zeros([2, 3], ScalarType.Int64);
        var pos = torch.zeros([2, 3], ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(ids, pos, torch.ones([2, 1, 3, 4], ScalarType.Bool)));
        Assert.Contains("(B, 1, 3, 3)", e.Message);
        Assert.Throws<ArgumentException>(() => model.Forward(ids, torch.zeros([2, 2], ScalarType.Int64), torch.ones([2, 1, 3, 3], ScalarType.Bool)));
    }
}

public class ModelCopyTests
{
    [Fact]
    public void ABf16CopyHoldsTheRoundedWeightsAndGivesCloseLogits()
    {
        using var model = LlamaModel.Create(PolicyTestModels.Tiny, seed: 31);
        using var bf = model.CopyAs(Pipeline.Model.Torch.ScalarType.BFloat16);
        var a = PolicyTestModels.PlainLogits(model, [1, 2, 3, 4]);
        var b = PolicyTestModels.PlainLogits(bf, [1, 2, 3, 4]);
        var scale = a.SelectMany(r => r).Max(Math.Abs);
        for (var t = 0; t < a.Length; t++)
            for (var i = 0; i < a[t].Length; i++)
                Assert.True(Math.Abs(a[t][i] - b[t][i]) < 0.05 * scale, $"position {t} logit {i}: {a[t][i]} vs {b[t][i]}");
        using var back = bf.CopyAs(Pipeline.Model.Torch.ScalarType.Float32);
        bf.CopyWeightsFrom(back); // bf16 -> f32 -> bf16 is exact
        Assert.Equal(b.SelectMany(r => r), PolicyTestModels.PlainLogits(bf, [1, 2, 3, 4]).SelectMany(r => r));
    }
}
