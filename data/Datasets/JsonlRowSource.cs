using System.Text;
using System.Text.Json;

namespace Pipeline.Data.Datasets;

/// <summary>
/// One JSON object per line. Blank lines are skipped; a line that is too long, not JSON, or not
/// an object becomes an error row carrying its line number.
/// </summary>
public sealed class JsonlRowSource : IRowSource
{
    private readonly Func<TextReader> _open;
    private readonly int _maxLineChars;
    private readonly int _maxDepth;

    public JsonlRowSource(string path, int maxLineChars = 4 * 1024 * 1024, int maxDepth = 64)
        : this(path, () => new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true), maxLineChars, maxDepth)
    {
    }

    /// <summary>Reads from <paramref name="open"/> (called once per enumeration); <paramref name="name"/> is used in messages.</summary>
    public JsonlRowSource(string name, Func<TextReader> open, int maxLineChars = 4 * 1024 * 1024, int maxDepth = 64)
    {
        Name = name;
        _open = open;
        _maxLineChars = maxLineChars;
        _maxDepth = maxDepth;
    }

    public string Name { get; }
    public string Unit => "line";

    public IEnumerable<SourceRow> ReadRows(CancellationToken cancellationToken = default)
    {
        using var reader = _open();
        var line = new StringBuilder();
        long number = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var status = ReadLine(reader, line, _maxLineChars);
            if (status == LineStatus.End)
                yield break;
            number++;
            if (status == LineStatus.TooLong)
            {
                yield return new SourceRow(number, null, $"line longer than {_maxLineChars} chars");
                continue;
            }
            if (IsBlank(line))
                continue;
            yield return Parse(number, line.ToString());
        }
    }

    private SourceRow Parse(long number, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = _maxDepth });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return new SourceRow(number, null, $"expected a JSON object, found {doc.RootElement.ValueKind}");
            return new SourceRow(number, (IReadOnlyDictionary<string, object?>)Convert(doc.RootElement)!);
        }
        catch (JsonException e)
        {
            return new SourceRow(number, null, "invalid JSON: " + e.Message);
        }
    }

    private static object? Convert(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (d, p) =>
        {
            d[p.Name] = Convert(p.Value);
            return d;
        }),
        JsonValueKind.Array => e.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static bool IsBlank(StringBuilder sb)
    {
        foreach (var chunk in sb.GetChunks())
        {
            if (!chunk.Span.IsWhiteSpace())
                return false;
        }
        return true;
    }

    private enum LineStatus { Line, TooLong, End }

    // TextReader.ReadLine would buffer a 1 GB line whole; this stops holding text at the cap.
    private static LineStatus ReadLine(TextReader reader, StringBuilder line, int max)
    {
        line.Clear();
        var tooLong = false;
        var any = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
                return !any ? LineStatus.End : tooLong ? LineStatus.TooLong : LineStatus.Line;
            any = true;
            if (c == '\n')
                return tooLong ? LineStatus.TooLong : LineStatus.Line;
            if (c == '\r')
            {
                if (reader.Peek() == '\n')
                    reader.Read();
                return tooLong ? LineStatus.TooLong : LineStatus.Line;
            }
            if (tooLong)
                continue;
            if (line.Length >= max)
            {
                tooLong = true;
                line.Clear();
                continue;
            }
            line.Append((char)c);
        }
    }
}
