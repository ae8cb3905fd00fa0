using System.Globalization;
using Pipeline.Data.Problems;

namespace Pipeline.Data.Datasets;

/// <summary>Turns one source row into a <see cref="Problem"/> through a <see cref="DatasetFieldMap"/>, or names the field that is wrong.</summary>
public sealed class ProblemMapper
{
    private readonly DatasetFieldMap _map;
    private readonly string _defaultTask;
    private readonly HashSet<string> _mapped;

    public ProblemMapper(DatasetFieldMap map, string sourceName)
    {
        map.Validate();
        _map = map;
        _defaultTask = map.DefaultTask ?? Path.GetFileNameWithoutExtension(sourceName);
        _mapped = new HashSet<string>(StringComparer.Ordinal) { map.Id, map.Prompt, map.Answer, map.Solution, map.Task, map.Difficulty, map.Hints, map.Metadata };
    }

    /// <summary>The problem, or null with <paramref name="field"/> and <paramref name="error"/> set.</summary>
    public Problem? TryMap(IReadOnlyDictionary<string, object?> row, out string? field, out string error)
    {
        field = null;
        error = string.Empty;
        if (!TryRequired(row, _map.Prompt, out var prompt, ref field, ref error, promptMessages: true)
            || !TryRequired(row, _map.Answer, out var answer, ref field, ref error, promptMessages: false))
            return null;
        if (!TryOptionalText(row, _map.Solution, out var solution, ref field, ref error)
            || !TryOptionalText(row, _map.Task, out var task, ref field, ref error)
            || !TryOptionalText(row, _map.Id, out var id, ref field, ref error))
            return null;
        var difficulty = 0.0;
        if (Lookup(row, _map.Difficulty) is { } d)
        {
            if (!TryNumber(d, out difficulty))
                return Fail(_map.Difficulty, $"expected a number, found {Describe(d)}", out field, out error);
        }
        IReadOnlyList<string> hints = [];
        switch (Lookup(row, _map.Hints))
        {
            case null:
                break;
            case string h:
                hints = [h];
                break;
            case IReadOnlyList<object?> list when list.All(x => x is string):
                hints = list.Cast<string>().ToArray();
                break;
            case var other:
                return Fail(_map.Hints, $"expected a string or a list of strings, found {Describe(other)}", out field, out error);
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (Lookup(row, _map.Metadata))
        {
            case null:
                break;
            case IReadOnlyDictionary<string, object?> map:
                foreach (var (k, v) in map)
                {
                    if (TryScalarText(v, out var text))
                        metadata[k] = text;
                }
                break;
            case var other:
                return Fail(_map.Metadata, $"expected an object, found {Describe(other)}", out field, out error);
        }
        if (_map.ExtraFieldsAsMetadata)
        {
            foreach (var (k, v) in row)
            {
                if (!_mapped.Contains(k) && TryScalarText(v, out var text))
                    metadata.TryAdd(k, text);
            }
        }
        return new Problem
        {
            Id = id ?? "row-" + StableHash.Hex(StableHash.Of(prompt + "\u0000" + answer, 0)),
            Prompt = prompt,
            Answer = answer,
            Task = task ?? _defaultTask,
            Difficulty = difficulty,
            Hints = hints,
            Solution = solution,
            Metadata = metadata,
        };
    }

    private static Problem? Fail(string name, string message, out string? field, out string error)
    {
        field = name;
        error = message;
        return null;
    }

    private bool TryRequired(IReadOnlyDictionary<string, object?> row, string name, out string text, ref string? field, ref string error, bool promptMessages)
    {
        text = string.Empty;
        var value = Lookup(row, name);
        if (value is null)
        {
            field = name;
            error = "missing or null (map another field name in the dataset's field options if it is called differently)";
            return false;
        }
        if (promptMessages && value is IReadOnlyList<object?> messages)
        {
            // Chat-style prompts (TRL/verl): the last user message is the problem text.
            var user = messages.OfType<IReadOnlyDictionary<string, object?>>()
                .LastOrDefault(m => m.TryGetValue("role", out var r) && r as string == "user");
            if (user is not null && user.TryGetValue("content", out var content) && content is string s)
                value = s;
            else
            {
                field = name;
                error = "a message list without a user message whose content is a string";
                return false;
            }
        }
        if (!TryScalarText(value, out text) || value is bool)
        {
            field = name;
            error = $"expected a string or number, found {Describe(value)}";
            return false;
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            field = name;
            error = "empty";
            return false;
        }
        return true;
    }

    private static bool TryOptionalText(IReadOnlyDictionary<string, object?> row, string name, out string? text, ref string? field, ref string error)
    {
        text = null;
        var value = Lookup(row, name);
        if (value is null)
            return true;
        if (TryScalarText(value, out var s) && value is not bool)
        {
            text = s;
            return true;
        }
        field = name;
        error = $"expected a string or number, found {Describe(value)}";
        return false;
    }

    /// <summary>The field's value: the literal key first, then a dotted path into nested objects.</summary>
    public static object? Lookup(IReadOnlyDictionary<string, object?> row, string name)
    {
        if (row.TryGetValue(name, out var value))
            return value;
        if (!name.Contains('.'))
            return null;
        object? current = row;
        foreach (var part in name.Split('.'))
        {
            if (current is not IReadOnlyDictionary<string, object?> map || !map.TryGetValue(part, out current))
                return null;
        }
        return current;
    }

    private static bool TryScalarText(object? value, out string text)
    {
        text = value switch
        {
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            int i => i.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            _ => null!,
        };
        return text is not null;
    }

    private static bool TryNumber(object value, out double number)
    {
        switch (value)
        {
            case long l:
                number = l;
                return true;
            case int i:
                number = i;
                return true;
            case double d when double.IsFinite(d):
                number = d;
                return true;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number):
                return true;
            default:
                number = 0;
                return false;
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string => "a string",
        bool => "a boolean",
        long or int or double or float or decimal => "a number",
        IReadOnlyDictionary<string, object?> => "an object",
        IReadOnlyList<object?> => "a list",
        _ => value.GetType().Name,
    };
}
