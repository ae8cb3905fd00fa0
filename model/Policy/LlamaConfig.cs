using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Model.Policy;

/// <summary>
/// Hyperparameters of a Llama-family decoder (Llama 2/3, Qwen2/2.5, Mistral without sliding
/// window, SmolLM, TinyLlama). Property names map one to one onto Hugging Face config.json keys
/// (snake_case there). The defaults describe a ~10M-parameter model small enough to train here.
/// </summary>
public sealed record LlamaConfig
{
    /// <summary>The architectures this code implements, as config.json's "architectures" names them.</summary>
    public static readonly IReadOnlyList<string> SupportedArchitectures = ["LlamaForCausalLM", "Qwen2ForCausalLM", "MistralForCausalLM"];

    public string Architecture { get; init; } = "LlamaForCausalLM";
    public int VocabSize { get; init; } = 8192;            // rows of the embedding and of lm_head
    public int HiddenSize { get; init; } = 256;            // C, the residual stream width
    public int IntermediateSize { get; init; } = 768;      // SwiGLU inner width (~8/3 C, as Llama)
    public int NumHiddenLayers { get; init; } = 6;         // L
    public int NumAttentionHeads { get; init; } = 8;       // nh, query heads
    public int NumKeyValueHeads { get; init; } = 4;        // nkv; nh / nkv query heads share a K/V head (GQA)
    public int? HeadDimOverride { get; init; }             // config.json "head_dim"; absent: C / nh
    public int MaxPositionEmbeddings { get; init; } = 2048; // longest prompt + completion the rotary table covers
    public double RmsNormEps { get; init; } = 1e-5;
    public double RopeTheta { get; init; } = 10000.0;      // rotary base; Llama 3 uses 500000, Qwen2 1000000
    public RopeScaling? RopeScaling { get; init; }         // Llama 3.1+ "llama3" frequency scaling, else null
    public bool TieWordEmbeddings { get; init; } = true;   // lm_head reuses embed_tokens (SmolLM, Qwen2 small)
    public bool AttentionBias { get; init; }               // biases on q/k/v/o (Llama "attention_bias")
    public bool QkvBias { get; init; }                     // biases on q/k/v only (always on for Qwen2)
    public bool MlpBias { get; init; }                     // biases on gate/up/down (Llama "mlp_bias")
    public double InitializerRange { get; init; } = 0.02;  // std of the normal init of every weight matrix
    public int? BosTokenId { get; init; }
    public int[] EosTokenIds { get; init; } = [];
    public string TorchDtype { get; init; } = "float32";   // dtype of the stored weights

    public int HeadDim => HeadDimOverride ?? HiddenSize / NumAttentionHeads;

    public void Validate()
    {
        static void Positive(int v, string name)
        {
            if (v <= 0) throw new ArgumentException($"{name} must be positive, not {v}");
        }
        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, "hidden_size");
        Positive(IntermediateSize, "intermediate_size");
        Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(NumKeyValueHeads, "num_key_value_heads");
        Positive(MaxPositionEmbeddings, "max_position_embeddings");
        if (!SupportedArchitectures.Contains(Architecture))
        {
            throw new NotSupportedException($"architecture '{Architecture}' is not supported; supported: {string.Join(", ", SupportedArchitectures)}");
        }
        if (HeadDimOverride is null && HiddenSize % NumAttentionHeads != 0)
        {
            throw new ArgumentException($"hidden_size={HiddenSize} is not divisible by num_attention_heads={NumAttentionHeads}");
        }
        if (HeadDim % 2 != 0)
        {
            throw new ArgumentException($"head_dim={HeadDim} must be even for rotary embeddings");
        }
        if (NumAttentionHeads % NumKeyValueHeads != 0)
        {
            throw new ArgumentException($"num_attention_heads={NumAttentionHeads} is not a multiple of num_key_value_heads={NumKeyValueHeads}");
        }
    }

    /// <summary>Parses a Hugging Face config.json; an unsupported architecture or feature is an error naming it.</summary>
    public static LlamaConfig FromJson(string json, string source = "config.json")
    {
        JsonObject o;
        try
        {
            o = JsonNode.Parse(json) as JsonObject ?? throw new FormatException($"{source}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON: {e.Message}");
        }

        var archs = o["architectures"] as JsonArray;
        var arch = archs is { Count: > 0 } ? archs[0]!.GetValue<string>() : null;
        var modelType = Str(o, "model_type");
        arch ??= modelType switch
        {
            "llama" => "LlamaForCausalLM",
            "qwen2" => "Qwen2ForCausalLM",
            "mistral" => "MistralForCausalLM",
            _ => throw new NotSupportedException($"{source}: no 'architectures' and model_type '{modelType}' is not supported; supported: {string.Join(", ", SupportedArchitectures)}"),
        };
        if (!SupportedArchitectures.Contains(arch))
        {
            throw new NotSupportedException($"{source}: architecture '{arch}' is not supported; supported: {string.Join(", ", SupportedArchitectures)}");
        }

        var act = Str(o, "hidden_act") ?? "silu";
        if (act != "silu")
        {
            throw new NotSupportedException($"{source}: hidden_act '{act}' is not supported (only silu)");
        }
        // A sliding window changes which keys each query sees; we implement full causal attention only.
        // Qwen2 configs carry a sliding_window that only applies when use_sliding_window is set.
        var useSliding = arch == "Qwen2ForCausalLM" ? Bool(o, "use_sliding_window") ?? false : o["sliding_window"] is not null;
        if (useSliding)
        {
            throw new NotSupportedException($"{source}: sliding_window={o["sliding_window"]} is not supported (full attention only)");
        }

        var d = new LlamaConfig();
        var heads = Int(o, "num_attention_heads") ?? d.NumAttentionHeads;
        var cfg = d with
        {
            Architecture = arch,
            VocabSize = Int(o, "vocab_size") ?? d.VocabSize,
            HiddenSize = Int(o, "hidden_size") ?? d.HiddenSize,
            IntermediateSize = Int(o, "intermediate_size") ?? d.IntermediateSize,
            NumHiddenLayers = Int(o, "num_hidden_layers") ?? d.NumHiddenLayers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = Int(o, "num_key_value_heads") ?? heads,
            HeadDimOverride = Int(o, "head_dim"),
            MaxPositionEmbeddings = Int(o, "max_position_embeddings") ?? d.MaxPositionEmbeddings,
            RmsNormEps = Num(o, "rms_norm_eps") ?? d.RmsNormEps,
            RopeTheta = Num(o, "rope_theta") ?? d.RopeTheta,
            RopeScaling = RopeScaling.Parse(o["rope_scaling"], source),
            TieWordEmbeddings = Bool(o, "tie_word_embeddings") ?? false, // Hugging Face's default for all three
            AttentionBias = Bool(o, "attention_bias") ?? false,
            QkvBias = arch == "Qwen2ForCausalLM",
            MlpBias = Bool(o, "mlp_bias") ?? false,
            InitializerRange = Num(o, "initializer_range") ?? d.InitializerRange,
            BosTokenId = Int(o, "bos_token_id"),
            EosTokenIds = Ids(o["eos_token_id"]),
            TorchDtype = Str(o, "torch_dtype") ?? Str(o, "dtype") ?? "float32",
        };
        try
        {
            cfg.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{source}: {e.Message}");
        }
        return cfg;
    }

    /// <summary>config.json as Hugging Face writes it for this architecture.</summary>
    public string ToJson()
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(Architecture),
            ["model_type"] = Architecture switch { "Qwen2ForCausalLM" => "qwen2", "MistralForCausalLM" => "mistral", _ => "llama" },
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["initializer_range"] = InitializerRange,
            ["torch_dtype"] = TorchDtype,
        };
        if (HeadDimOverride is { } hd) o["head_dim"] = hd;
        if (RopeScaling is { } rs) o["rope_scaling"] = rs.ToJson();
        if (Architecture != "Qwen2ForCausalLM")
        {
            o["attention_bias"] = AttentionBias;
            o["mlp_bias"] = MlpBias;
        }
        if (BosTokenId is { } bos) o["bos_token_id"] = bos;
        if (EosTokenIds.Length == 1) o["eos_token_id"] = EosTokenIds[0];
        else if (EosTokenIds.Length > 1) o["eos_token_id"] = new JsonArray([.. EosTokenIds.Select(i => (JsonNode)i)]);
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    internal static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    internal static bool? Bool(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;
    internal static double? Num(JsonObject o, string key) => o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : null;
    internal static int? Int(JsonObject o, string key) => Num(o, key) is { } d ? checked((int)d) : null;

    internal static int[] Ids(JsonNode? n) => n switch
    {
        null => [],
        JsonArray a => [.. a.Select(x => x!.GetValue<int>())],
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => [v.GetValue<int>()],
        _ => [],
    };
}

/// <summary>Llama 3.1's rotary frequency scaling (rope_type "llama3"); other types are rejected by name.</summary>
public sealed record RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings)
{
    internal static RopeScaling? Parse(JsonNode? node, string source)
    {
        if (node is not JsonObject o) return null;
        var type = LlamaConfig.Str(o, "rope_type") ?? LlamaConfig.Str(o, "type") ?? "default";
        if (type == "default") return null;
        if (type != "llama3")
        {
            throw new NotSupportedException($"{source}: rope_scaling type '{type}' is not supported (only llama3)");
        }
        return new RopeScaling(LlamaConfig.Num(o, "factor") ?? 8, LlamaConfig.Num(o, "low_freq_factor") ?? 1,
            LlamaConfig.Num(o, "high_freq_factor") ?? 4, LlamaConfig.Int(o, "original_max_position_embeddings") ?? 8192);
    }

    internal JsonObject ToJson() => new()
    {
        ["rope_type"] = "llama3",
        ["factor"] = Factor,
        ["low_freq_factor"] = LowFreqFactor,
        ["high_freq_factor"] = HighFreqFactor,
        ["original_max_position_embeddings"] = OriginalMaxPositionEmbeddings,
    };

    /// <summary>Scales inverse frequencies: long wavelengths are divided by the factor, short ones kept, a smooth blend between.</summary>
    public double Apply(double invFreq)
    {
        var wavelen = 2 * Math.PI / invFreq;
        var lowWavelen = OriginalMaxPositionEmbeddings / LowFreqFactor;
        var highWavelen = OriginalMaxPositionEmbeddings / HighFreqFactor;
        if (wavelen < highWavelen) return invFreq;
        if (wavelen > lowWavelen) return invFreq / Factor;
        var smooth = (OriginalMaxPositionEmbeddings / wavelen - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
        return (1 - smooth) * invFreq / Factor + smooth * invFreq;
    }
}
