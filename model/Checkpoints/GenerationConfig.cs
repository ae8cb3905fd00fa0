using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Model.Checkpoints;

/// <summary>The parts of a Hugging Face generation_config.json that sampling uses; absent keys stay null.</summary>
public sealed record GenerationConfig
{
    public int? BosTokenId { get; init; }
    public int[] EosTokenIds { get; init; } = [];
    public int? PadTokenId { get; init; }
    public bool? DoSample { get; init; }
    public double? Temperature { get; init; }
    public int? TopK { get; init; }
    public double? TopP { get; init; }
    public int? MaxNewTokens { get; init; }

    public static GenerationConfig FromJson(string json, string source = "generation_config.json")
    {
        JsonObject o;
        try
        {
            o = JsonNode.Parse(json) as JsonObject ?? throw new CheckpointFormatException($"{source}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{source}: not valid JSON: {e.Message}");
        }
        return new GenerationConfig
        {
            BosTokenId = Int(o, "bos_token_id"),
            EosTokenIds = o["eos_token_id"] switch
            {
                JsonArray a => [.. a.Select(x => x!.GetValue<int>())],
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => [v.GetValue<int>()],
                _ => [],
            },
            PadTokenId = Int(o, "pad_token_id"),
            DoSample = o["do_sample"] is JsonValue ds && ds.TryGetValue<bool>(out var b) ? b : null,
            Temperature = Num(o, "temperature"),
            TopK = Int(o, "top_k"),
            TopP = Num(o, "top_p"),
            MaxNewTokens = Int(o, "max_new_tokens"),
        };
    }

    public string ToJson()
    {
        var o = new JsonObject();
        if (BosTokenId is { } bos) o["bos_token_id"] = bos;
        if (EosTokenIds.Length == 1) o["eos_token_id"] = EosTokenIds[0];
        else if (EosTokenIds.Length > 1) o["eos_token_id"] = new JsonArray([.. EosTokenIds.Select(i => (JsonNode)i)]);
        if (PadTokenId is { } pad) o["pad_token_id"] = pad;
        if (DoSample is { } ds) o["do_sample"] = ds;
        if (Temperature is { } t) o["temperature"] = t;
        if (TopK is { } k) o["top_k"] = k;
        if (TopP is { } p) o["top_p"] = p;
        if (MaxNewTokens is { } m) o["max_new_tokens"] = m;
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static double? Num(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static int? Int(JsonObject o, string key) => Num(o, key) is { } d ? checked((int)d) : null;
}
