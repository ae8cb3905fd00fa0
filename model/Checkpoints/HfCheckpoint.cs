using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Model.Policy;
using Pipeline.Model.Torch;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// A Hugging Face model folder: config.json, model.safetensors or model.safetensors.index.json
/// with its shards, and generation_config.json when present.
/// </summary>
public static class HfCheckpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";
    public const string GenerationConfigFile = "generation_config.json";

    public static LlamaConfig LoadConfig(string dir)
    {
        var path = Path.Combine(dir, ConfigFile);
        if (!File.Exists(path))
        {
            throw new CheckpointFormatException($"{dir}: no {ConfigFile}");
        }
        try
        {
            return LlamaConfig.FromJson(File.ReadAllText(path), path);
        }
        catch (FormatException e)
        {
            throw new CheckpointFormatException(e.Message);
        }
    }

    public static GenerationConfig? LoadGenerationConfig(string dir)
    {
        var path = Path.Combine(dir, GenerationConfigFile);
        return File.Exists(path) ? GenerationConfig.FromJson(File.ReadAllText(path), path) : null;
    }

    /// <summary>
    /// Loads the model in <paramref name="dtype"/> (default: the stored dtype when it is float32 or
    /// bfloat16, else float32). Every parameter must be present with its exact shape; a missing
    /// tensor or a mismatch is an error naming it. Tensors the model does not use are ignored
    /// (rotary caches some exporters write), except an unexpected lm_head.weight in a tied model,
    /// which is ignored as Hugging Face does.
    /// </summary>
    public static LlamaModel Load(string dir, ScalarType? dtype = null, Device? device = null)
    {
        var config = LoadConfig(dir);
        var readers = OpenWeights(dir);
        try
        {
            var where = new Dictionary<string, SafetensorsReader>(StringComparer.Ordinal);
            foreach (var r in readers)
            {
                foreach (var n in r.Names) where[n] = r;
            }
            var target = dtype ?? InferDType(readers);
            var model = new LlamaModel(config, target, device);
            try
            {
                using var _ = torch.no_grad();
                foreach (var (name, param) in model.NamedParameters)
                {
                    if (!where.TryGetValue(name, out var reader))
                    {
                        throw new CheckpointFormatException($"{dir}: checkpoint has no tensor '{name}' (the {config.Architecture} config needs it)");
                    }
                    var entry = reader.Entry(name);
                    if (!entry.Shape.SequenceEqual(param.shape))
                    {
                        throw new CheckpointFormatException($"{reader.Path}: tensor '{name}' has shape [{string.Join(", ", entry.Shape)}], the config needs [{string.Join(", ", param.shape)}]");
                    }
                    using var scope = torch.NewDisposeScope();
                    param.copy_(reader.Read(name)); // copy_ converts dtype and device
                }
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
        }
    }

    private static ScalarType InferDType(IReadOnlyList<SafetensorsReader> readers)
    {
        var stored = readers.SelectMany(r => r.Entries).Select(e => e.DType).FirstOrDefault(t => t.IsFloatingPoint(), ScalarType.Float32);
        return stored == ScalarType.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
    }

    private static List<SafetensorsReader> OpenWeights(string dir)
    {
        var single = Path.Combine(dir, WeightsFile);
        var index = Path.Combine(dir, IndexFile);
        var readers = new List<SafetensorsReader>();
        try
        {
            if (File.Exists(single))
            {
                readers.Add(new SafetensorsReader(single));
            }
            else if (File.Exists(index))
            {
                foreach (var shard in ShardFiles(index))
                {
                    var path = Path.Combine(dir, shard);
                    if (!File.Exists(path))
                    {
                        throw new CheckpointFormatException($"{index}: shard '{shard}' is listed but does not exist");
                    }
                    readers.Add(new SafetensorsReader(path));
                }
            }
            else
            {
                throw new CheckpointFormatException($"{dir}: neither {WeightsFile} nor {IndexFile}");
            }
            return readers;
        }
        catch
        {
            foreach (var r in readers) r.Dispose();
            throw;
        }
    }

    private static IEnumerable<string> ShardFiles(string indexPath)
    {
        JsonObject? o;
        try
        {
            o = JsonNode.Parse(File.ReadAllText(indexPath)) as JsonObject;
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{indexPath}: not valid JSON: {e.Message}");
        }
        if (o?["weight_map"] is not JsonObject map)
        {
            throw new CheckpointFormatException($"{indexPath}: no weight_map object");
        }
        return map.Select(kv => kv.Value?.GetValue<string>() ?? throw new CheckpointFormatException($"{indexPath}: weight_map['{kv.Key}'] is not a file name"))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
    }

    /// <summary>
    /// Writes config.json, the weights in the model's dtype (one model.safetensors, or shards of at
    /// most <paramref name="maxShardBytes"/> plus model.safetensors.index.json), and
    /// generation_config.json when given. Loading the folder back gives bit-identical parameters.
    /// </summary>
    public static void Save(LlamaModel model, string dir, GenerationConfig? generation = null, long maxShardBytes = 5L << 30)
    {
        Directory.CreateDirectory(dir);
        var config = model.Config with { TorchDtype = model.DType == ScalarType.BFloat16 ? "bfloat16" : "float32" };
        File.WriteAllText(Path.Combine(dir, ConfigFile), config.ToJson());
        if (generation is not null)
        {
            File.WriteAllText(Path.Combine(dir, GenerationConfigFile), generation.ToJson());
        }

        var shards = new List<List<(string Name, Tensor Tensor)>> { new() };
        long size = 0, total = 0;
        foreach (var p in model.NamedParameters)
        {
            var bytes = p.Tensor.numel() * p.Tensor.dtype.ElementSize();
            if (size > 0 && size + bytes > maxShardBytes)
            {
                shards.Add([]);
                size = 0;
            }
            shards[^1].Add(p);
            size += bytes;
            total += bytes;
        }
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        // Stale weights from a previous save in the other layout would shadow or contradict these.
        File.Delete(Path.Combine(dir, WeightsFile));
        File.Delete(Path.Combine(dir, IndexFile));
        if (shards.Count == 1)
        {
            SafetensorsWriter.Write(Path.Combine(dir, WeightsFile), shards[0], metadata);
            return;
        }
        var map = new JsonObject();
        for (var i = 0; i < shards.Count; i++)
        {
            var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafetensorsWriter.Write(Path.Combine(dir, name), shards[i], metadata);
            foreach (var (n, _) in shards[i]) map[n] = name;
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = map };
        File.WriteAllText(Path.Combine(dir, IndexFile), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
