using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Cli.Configuration;

/// <summary>Reads a run config and applies <c>--set key=value</c> overrides (dotted snake_case keys).</summary>
public static class RunConfigLoader
{
    /// <summary>Reads, overrides, validates; throws <see cref="ConfigException"/> listing every problem.</summary>
    public static RunConfig Load(string path, IReadOnlyList<string> overrides)
    {
        var config = ConfigJson.Read<RunConfig>(path);
        if (overrides.Count > 0) config = Override(path, overrides);
        var errors = config.Validate();
        if (errors.Count > 0) throw new ConfigException($"{path}: invalid run config:\n  " + string.Join("\n  ", errors));
        return config;
    }

    private static RunConfig Override(string path, IReadOnlyList<string> overrides)
    {
        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
            ?? throw new ConfigException($"{path}: the config must be a JSON object.");
        foreach (var item in overrides)
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ConfigException($"--set {item}: expected key=value, e.g. training.steps=5.");
            var keys = item[..eq].Split('.');
            var text = item[(eq + 1)..];
            JsonObject node = root;
            for (int i = 0; i < keys.Length - 1; i++)
            {
                if (node[keys[i]] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[keys[i]] = child;
                }
                node = child;
            }
            node[keys[^1]] = ParseValue(text);
        }

        try
        {
            return root.Deserialize<RunConfig>(ConfigJson.Options) ?? throw new ConfigException($"{path}: the config is null.");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path} with --set {string.Join(" ", overrides)}: {ConfigJson.Explain<RunConfig>(e)}", e);
        }
    }

    private static JsonNode? ParseValue(string text)
    {
        if (text is "true" or "false" or "null" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || text.StartsWith('{') || text.StartsWith('[') || text.StartsWith('"'))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
            }
        }
        return JsonValue.Create(text);
    }
}
