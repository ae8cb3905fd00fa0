using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Cli.Configuration;

/// <summary>
/// How every config file is read: snake_case keys (as verl and TRL users write them), // comments
/// allowed so a preset can say which paper it follows, and unknown keys rejected rather than
/// silently ignored.
/// </summary>
public static class ConfigJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,

        // Set explicitly so the contract can be inspected (unknown-key hints, config docs) before any read.
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    /// <summary>Reads a config file, naming the file, line and field on any error.</summary>
    public static T Read<T>(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options)
                ?? throw new ConfigException($"{path}: the file is empty or null.");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"{path}:{line + 1}" : path;
            throw new ConfigException($"{where}: {Explain<T>(e)}", e);
        }
    }

    /// <summary>The error without the file: an unknown key with the closest valid name, else the serializer's words and path.</summary>
    public static string Explain<T>(JsonException e) =>
        UnknownKey.Describe(e, typeof(T), Options)
        ?? $"{(e.Path is { Length: > 0 } p ? $"at {p}: " : string.Empty)}{e.Message}";
}

public sealed class ConfigException(string message, Exception? inner = null) : Exception(message, inner);
