using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Pipeline.Cli.Configuration;

/// <summary>
/// Turns System.Text.Json's unmapped-member error into "unknown key 'x' at section; did you mean 'y'?".
/// The candidates come from the serializer's own contract, so they are exactly the names it would accept.
/// </summary>
public static partial class UnknownKey
{
    [GeneratedRegex(@"JSON property '(?<key>[^']+)' could not be mapped")]
    private static partial Regex UnmappedMessage();

    [GeneratedRegex(@"\.([A-Za-z0-9_]+)|\['([^']+)'\]")]
    private static partial Regex PathSegment();

    /// <summary>The friendly message, or null when the exception is not about an unknown key.</summary>
    public static string? Describe(JsonException e, Type root, JsonSerializerOptions options)
    {
        var match = UnmappedMessage().Match(e.Message);
        if (!match.Success) return null;
        var key = match.Groups["key"].Value;

        var segments = PathSegment().Matches(e.Path ?? "$")
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            .ToList();
        if (segments.Count > 0 && segments[^1] == key) segments.RemoveAt(segments.Count - 1);

        var type = root;
        foreach (var segment in segments)
        {
            var property = options.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == segment);
            if (property is null) break;
            type = ElementType(property.PropertyType);
        }

        var names = options.GetTypeInfo(type).Properties.Select(p => p.Name).ToList();
        var section = segments.Count == 0 ? "the top level" : string.Join('.', segments);
        var closest = ClosestName.Find(key, names);
        return closest is not null
            ? $"unknown key '{key}' at {section}; did you mean '{closest}'?"
            : $"unknown key '{key}' at {section}; valid keys: {string.Join(", ", names)}.";
    }

    // Array indices in the path ("rewards[0]") are not segments, so a list's element type stands for the list.
    private static Type ElementType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type != typeof(string))
        {
            var enumerable = type.GetInterfaces().Append(type)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
            if (enumerable is not null) return enumerable.GetGenericArguments()[0];
        }

        return type;
    }
}
