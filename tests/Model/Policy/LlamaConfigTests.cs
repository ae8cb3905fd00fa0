using Pipeline.Model.Policy;

namespace Pipeline.Tests.Model.Policy;

public class LlamaConfigTests
{
    [Fact]
    public void ParsesALlama3Config()
    {
        var c = LlamaConfig.FromJson("""
            {"architectures":["LlamaForCausalLM"],"vocab_size":128256,"hidden_size":2048,"intermediate_size":8192,
             "num_hidden_layers":16,"num_attention_heads":32,"num_key_value_heads":8,"max_position_embeddings":131072,
             "rms_norm_eps":1e-05,"rope_theta":500000.0,"tie_word_embeddings":true,"bos_token_id":128000,
             "eos_token_id":[128001,128008,128009],"torch_dtype":"bfloat16","hidden_act":"silu","head_dim":64,
             "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"}}
            """);
        Assert.Equal(128256, c.VocabSize);
        Assert.Equal(8, c.NumKeyValueHeads);
        Assert.Equal(64, c.HeadDim);
        Assert.Equal(500000.0, c.RopeTheta);
        Assert.True(c.TieWordEmbeddings);
        Assert.Equal([128001, 128008, 128009], c.EosTokenIds);
        Assert.Equal(32.0, c.RopeScaling!.Factor);
        Assert.False(c.QkvBias);
        Assert.Equal("bfloat16", c.TorchDtype);
    }

    [Fact]
    public void Qwen2HasQkvBiasesAndDefaultsKvHeads()
    {
        var c = LlamaConfig.FromJson("""{"architectures":["Qwen2ForCausalLM"],"hidden_size":64,"num_attention_heads":4,"use_sliding_window":false,"sliding_window":4096}""");
        Assert.True(c.QkvBias);
        Assert.False(c.AttentionBias);
        Assert.Equal(4, c.NumKeyValueHeads);
        Assert.False(c.TieWordEmbeddings);
    }

    [Theory]
    [InlineData("""{"architectures":["Gemma2ForCausalLM"]}""", "Gemma2ForCausalLM")]
    [InlineData("""{"model_type":"gpt2"}""", "gpt2")]
    [InlineData("""{"architectures":["MistralForCausalLM"],"sliding_window":4096}""", "sliding_window")]
    [InlineData("""{"architectures":["Qwen2ForCausalLM"],"use_sliding_window":true,"sliding_window":4096}""", "sliding_window")]
    [InlineData("""{"architectures":["LlamaForCausalLM"],"hidden_act":"gelu"}""", "gelu")]
    [InlineData("""{"architectures":["LlamaForCausalLM"],"rope_scaling":{"rope_type":"yarn","factor":4}}""", "yarn")]
    public void UnsupportedFeaturesAreNamed(string json, string named)
    {
        var e = Assert.Throws<NotSupportedException>(() => LlamaConfig.FromJson(json));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void InconsistentShapesAreRejected()
    {
        var e = Assert.Throws<FormatException>(() => LlamaConfig.FromJson("""{"architectures":["LlamaForCausalLM"],"hidden_size":64,"num_attention_heads":4,"num_key_value_heads":3}"""));
        Assert.Contains("num_key_value_heads=3", e.Message);
    }

    [Fact]
    public void JsonRoundTrips()
    {
        var c = new LlamaConfig { Architecture = "MistralForCausalLM", EosTokenIds = [2], BosTokenId = 1, RopeTheta = 1e6, HeadDimOverride = 16 };
        Assert.Equal(c with { EosTokenIds = [] }, LlamaConfig.FromJson(c.ToJson()) with { EosTokenIds = [] });
        Assert.Equal([2], LlamaConfig.FromJson(c.ToJson()).EosTokenIds);
    }
}
