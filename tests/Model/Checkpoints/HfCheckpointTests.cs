using Pipeline.Model.Checkpoints;
using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Tests.Model.Checkpoints;

public sealed class HfCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hfckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static readonly LlamaConfig Tiny = new()
    {
        VocabSize = 40, HiddenSize = 16, IntermediateSize = 24, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 2, MaxPositionEmbeddings = 64, TieWordEmbeddings = false, EosTokenIds = [2, 3], BosTokenId = 1,
    };

    [Theory]
    [InlineData(ScalarType.Float32, false)]
    [InlineData(ScalarType.BFloat16, false)]
    [InlineData(ScalarType.Float32, true)]
    public void SaveThenLoadIsBitExact(ScalarType dtype, bool sharded)
    {
        using var model = LlamaModel.Create(Tiny, seed: 7, dtype);
        var gen = new GenerationConfig { EosTokenIds = [2, 3], Temperature = 0.7, TopP = 0.9, DoSample = true };
        HfCheckpoint.Save(model, _dir, gen, maxShardBytes: sharded ? 4096 : 5L << 30);
        Assert.Equal(sharded, File.Exists(Path.Combine(_dir, HfCheckpoint.IndexFile)));
        Assert.Equal(!sharded, File.Exists(Path.Combine(_dir, HfCheckpoint.WeightsFile)));

        using var loaded = HfCheckpoint.Load(_dir);
        Assert.Equal(dtype, loaded.DType);
        Assert.Equal(model.Config with { TorchDtype = loaded.Config.TorchDtype }, loaded.Config with { EosTokenIds = model.Config.EosTokenIds });
        Assert.Equal(model.Config.EosTokenIds, loaded.Config.EosTokenIds);
        Assert.Equal(model.NamedParameters.Select(p => p.Name), loaded.NamedParameters.Select(p => p.Name));
        foreach (var ((name, a), (_, b)) in model.NamedParameters.Zip(loaded.NamedParameters))
        {
            using var scope = torch.NewDisposeScope();
            Assert.True(a.detach().equal(b.detach()), $"{name} differs after save and load");
        }
        var g = HfCheckpoint.LoadGenerationConfig(_dir)!;
        Assert.Equal([2, 3], g.EosTokenIds);
        Assert.Equal(0.7, g.Temperature);
        Assert.Equal(0.9, g.TopP);
        Assert.True(g.DoSample);
    }

    [Fact]
    public void TiedEmbeddingsAreSavedOnce()
    {
        using var model = LlamaModel.Create(Tiny with { TieWordEmbeddings = true }, seed: 1);
        HfCheckpoint.Save(model, _dir);
        using var r = new SafetensorsReader(Path.Combine(_dir, HfCheckpoint.WeightsFile));
        Assert.DoesNotContain("lm_head.weight", r.Names);
        Assert.Contains("model.embed_tokens.weight", r.Names);
    }

    [Fact]
    public void AMissingTensorFailsWithItsName()
    {
        using var model = LlamaModel.Create(Tiny, seed: 1);
        HfCheckpoint.Save(model, _dir);
        using (var scope = torch.NewDisposeScope())
        {
            var keep = model.NamedParameters.Where(p => p.Name != "model.layers.1.mlp.up_proj.weight").ToList();
            SafetensorsWriter.Write(Path.Combine(_dir, HfCheckpoint.WeightsFile), keep);
        }
        var e = Assert.Throws<CheckpointFormatException>(() => HfCheckpoint.Load(_dir));
        Assert.Contains("model.layers.1.mlp.up_proj.weight", e.Message);
    }

    [Fact]
    public void AWrongShapeFailsWithItsName()
    {
        using var model = LlamaModel.Create(Tiny, seed: 1);
        HfCheckpoint.Save(model, _dir);
        File.WriteAllText(Path.Combine(_dir, HfCheckpoint.ConfigFile), (Tiny with { IntermediateSize = 32 }).ToJson());
        var e = Assert.Throws<CheckpointFormatException>(() => HfCheckpoint.Load(_dir));
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", e.Message);
    }

    [Fact]
    public void AnUnsupportedArchitectureFailsWithItsName()
    {
        File.WriteAllText(Path.Combine(_dir, HfCheckpoint.ConfigFile), """{"architectures":["GPT2LMHeadModel"],"vocab_size":10}""");
        var e = Assert.Throws<NotSupportedException>(() => HfCheckpoint.LoadConfig(_dir));
        Assert.Contains("GPT2LMHeadModel", e.Message);
    }

    [Fact]
    public void AMissingFolderContentFailsClearly()
    {
        Assert.Contains("config.json", Assert.Throws<CheckpointFormatException>(() => HfCheckpoint.Load(_dir)).Message);
        File.WriteAllText(Path.Combine(_dir, HfCheckpoint.ConfigFile), Tiny.ToJson());
        Assert.Contains("model.safetensors", Assert.Throws<CheckpointFormatException>(() => HfCheckpoint.Load(_dir)).Message);
    }

    [Fact]
    public void LoadsInARequestedDType()
    {
        using var model = LlamaModel.Create(Tiny, seed: 3);
        HfCheckpoint.Save(model, _dir);
        using var bf = HfCheckpoint.Load(_dir, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bf.DType);
        using var scope = torch.NewDisposeScope();
        Assert.True(model.NamedParameters[0].Tensor.detach().to(ScalarType.BFloat16).equal(bf.NamedParameters[0].Tensor.detach()));
    }
}
