using Pipeline.Model.Policy;

namespace Pipeline.Bench.Policy;

/// <summary>The model sizes the policy benchmarks run (random weights; speed does not depend on them).</summary>
public static class PolicyBenchConfigs
{
    // ~10M parameters: 2.1M embedding + 2.1M untied head + 6 x 0.79M.
    public static readonly LlamaConfig Small = new()
    {
        VocabSize = 8192, HiddenSize = 256, IntermediateSize = 768, NumHiddenLayers = 6, NumAttentionHeads = 8,
        NumKeyValueHeads = 4, TieWordEmbeddings = false, MaxPositionEmbeddings = 2048,
    };

    // ~100M parameters: 24.6M tied embedding + 12 x 6.3M, SmolLM-like proportions.
    public static readonly LlamaConfig Medium = new()
    {
        VocabSize = 32000, HiddenSize = 768, IntermediateSize = 2048, NumHiddenLayers = 12, NumAttentionHeads = 12,
        NumKeyValueHeads = 4, TieWordEmbeddings = true, MaxPositionEmbeddings = 2048,
    };

    // The e2e benchmark's tiny model (configs/llama_arithmetic.json, character vocabulary): per-op overhead dominates.
    public static readonly LlamaConfig Tiny = new()
    {
        VocabSize = 359, HiddenSize = 64, IntermediateSize = 172, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 2, TieWordEmbeddings = true, MaxPositionEmbeddings = 256,
    };

    public static LlamaConfig ByName(string name) => name switch
    {
        "tiny" => Tiny,
        "10m" => Small,
        "100m" => Medium,
        _ => throw new ArgumentException($"unknown model size '{name}'; valid: tiny, 10m, 100m"),
    };

    /// <summary>The config as the JSON keys the Python peer reads.</summary>
    public static string PeerJson(LlamaConfig c) =>
        $$"""{"vocab_size":{{c.VocabSize}},"hidden_size":{{c.HiddenSize}},"intermediate_size":{{c.IntermediateSize}},"num_hidden_layers":{{c.NumHiddenLayers}},"num_attention_heads":{{c.NumAttentionHeads}},"num_key_value_heads":{{c.NumKeyValueHeads}},"rope_theta":{{c.RopeTheta}},"rms_norm_eps":{{c.RmsNormEps}},"tie_word_embeddings":{{(c.TieWordEmbeddings ? "true" : "false")}}}""";
}
