namespace Pipeline.Data.Verifiers;

/// <summary>
/// Finds the final answer in a completion with hand-written linear scans (no regex, no
/// recursion), so its cost is bounded by <see cref="ExtractionOptions.MaxScanChars"/> whatever
/// the text.
/// </summary>
public static class AnswerExtractor
{
    private const string OpenTag = "<answer>";
    private const string CloseTag = "</answer>";

    public static Extraction Extract(string completion, ExtractionOptions options)
    {
        var offset = Math.Max(0, completion.Length - options.MaxScanChars);
        var window = completion.AsSpan(offset);

        if (options.UseAnswerTag && TryAnswerTag(window, out var start, out var length))
        {
            // A boxed answer inside the tags is the more specific marker.
            if (options.UseBoxed && TryBoxed(window.Slice(start, length), out var bs, out var bl))
                return new Extraction(AnswerSource.AnswerTag, offset + start + bs, bl);
            return new Extraction(AnswerSource.AnswerTag, offset + start, length);
        }
        if (options.UseBoxed && TryBoxed(window, out start, out length))
            return new Extraction(AnswerSource.Boxed, offset + start, length);
        if (options.UseAnswerIs && TryAnswerIs(window, out start, out length))
            return new Extraction(AnswerSource.AnswerIs, offset + start, length);
        if (options.UseLastNumber && TryLastNumber(window, out start, out length))
            return new Extraction(AnswerSource.LastNumber, offset + start, length);
        if (options.UseWholeCompletion)
        {
            Trim(window, 0, window.Length, out start, out length);
            if (length > 0)
                return new Extraction(AnswerSource.Whole, offset + start, length);
        }
        return default;
    }

    /// <summary>The content of the last complete &lt;answer&gt;…&lt;/answer&gt; pair, trimmed.</summary>
    public static bool TryAnswerTag(ReadOnlySpan<char> s, out int start, out int length)
    {
        start = length = 0;
        var close = LastIndexOfIgnoreCase(s, CloseTag, 0);
        if (close < 0)
            return false;
        var open = LastIndexOfIgnoreCase(s[..close], OpenTag, 0);
        if (open < 0)
            return false;
        Trim(s, open + OpenTag.Length, close, out start, out length);
        return true;
    }

    /// <summary>The argument of the last <c>\boxed{…}</c> or <c>\fbox{…}</c> (or <c>\boxed 5</c>), braces matched with escapes honoured.</summary>
    public static bool TryBoxed(ReadOnlySpan<char> s, out int start, out int length)
    {
        start = length = 0;
        var end = s.Length;
        // Try the last marker first; an unmatched brace there (a truncated answer) falls back to the one before.
        for (var tries = 0; tries < 4; tries++)
        {
            var area = s[..end];
            var boxed = area.LastIndexOf("\\boxed", StringComparison.Ordinal);
            var fbox = area.LastIndexOf("\\fbox", StringComparison.Ordinal);
            int at, after;
            if (boxed >= fbox)
            {
                if (boxed < 0)
                    return false;
                at = boxed;
                after = boxed + 6;
            }
            else
            {
                at = fbox;
                after = fbox + 5;
            }
            var i = after;
            while (i < s.Length && s[i] == ' ')
                i++;
            if (i < s.Length && s[i] == '{')
            {
                var close = MatchBrace(s, i);
                if (close > 0)
                {
                    Trim(s, i + 1, close, out start, out length);
                    return true;
                }
            }
            else if (i > after && i < s.Length)
            {
                // "\boxed 5": the argument is the next token.
                var j = i;
                while (j < s.Length && !char.IsWhiteSpace(s[j]) && s[j] != '$')
                    j++;
                start = i;
                length = j - i;
                return length > 0;
            }
            end = at;
        }
        return false;
    }

    /// <summary>Index of the brace closing the one at <paramref name="open"/>, or -1.</summary>
    public static int MatchBrace(ReadOnlySpan<char> s, int open)
    {
        var depth = 0;
        for (var i = open; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (c == '{')
                depth++;
            else if (c == '}' && --depth == 0)
                return i;
        }
        return -1;
    }

    /// <summary>What follows the last "answer is" up to the end of its line or sentence.</summary>
    public static bool TryAnswerIs(ReadOnlySpan<char> s, out int start, out int length)
    {
        start = length = 0;
        var at = LastIndexOfIgnoreCase(s, "answer is", 3);
        if (at < 0)
            return false;
        var i = at + 9;
        while (i < s.Length && (s[i] == ' ' || s[i] == ':' || s[i] == '\t'))
            i++;
        var rest = s[i..];
        var eol = rest.IndexOfAny('\n', '\r');
        if (eol >= 0)
            rest = rest[..eol];
        var boxedHere = TryBoxed(rest, out var bs, out var bl);
        if (boxedHere)
        {
            start = i + bs;
            length = bl;
            return true;
        }
        // A sentence ends at ". " (a decimal point is followed by a digit, not a space).
        var stop = rest.IndexOf(". ", StringComparison.Ordinal);
        if (stop >= 0)
            rest = rest[..stop];
        var n = rest.Length;
        while (n > 0 && (rest[n - 1] == '.' || char.IsWhiteSpace(rest[n - 1])))
            n--;
        Trim(s, i, i + n, out start, out length);
        return length > 0;
    }

    /// <summary>The last number-like token: digits with separators, a decimal point, a fraction bar, a sign, a percent.</summary>
    public static bool TryLastNumber(ReadOnlySpan<char> s, out int start, out int length)
    {
        start = length = 0;
        var last = s.LastIndexOfAnyInRange('0', '9');
        if (last < 0)
            return false;
        var end = last + 1;
        if (end < s.Length && s[end] == '%')
            end++;
        var i = last;
        while (i > 0)
        {
            var c = s[i - 1];
            if (char.IsAsciiDigit(c))
            {
                i--;
                continue;
            }
            // Separators count only between digits: "3/4", "1,234", "2.5", not "end." or "a, 5".
            if ((c == ',' || c == '.' || c == '/') && i - 2 >= 0 && char.IsAsciiDigit(s[i - 2]))
            {
                i--;
                continue;
            }
            break;
        }
        if (i > 0 && s[i - 1] == '.')
            i--;
        if (i > 0 && (s[i - 1] == '-' || s[i - 1] == '\u2212') && (i < 2 || !char.IsLetterOrDigit(s[i - 2])))
            i--;
        start = i;
        length = end - i;
        return true;
    }

    /// <summary>
    /// Case-insensitive last index of an ASCII needle. The BCL's OrdinalIgnoreCase search is not
    /// vectorised and costs microseconds on a miss; this one finds the needle's rarest character
    /// (<paramref name="anchor"/>, in either case) with a vectorised search and checks around it.
    /// </summary>
    public static int LastIndexOfIgnoreCase(ReadOnlySpan<char> s, string needle, int anchor)
    {
        var lower = char.ToLowerInvariant(needle[anchor]);
        var upper = char.ToUpperInvariant(needle[anchor]);
        // Anchor positions whose needle would fit: [anchor, s.Length - needle.Length + anchor].
        var end = s.Length - needle.Length + anchor + 1;
        while (end > anchor)
        {
            var area = s[anchor..end];
            var i = lower == upper ? area.LastIndexOf(lower) : area.LastIndexOfAny(lower, upper);
            if (i < 0)
                return -1;
            var start = i;
            if (s.Slice(start, needle.Length).Equals(needle, StringComparison.OrdinalIgnoreCase))
                return start;
            end = anchor + i;
        }
        return -1;
    }

    private static void Trim(ReadOnlySpan<char> s, int from, int to, out int start, out int length)
    {
        while (from < to && char.IsWhiteSpace(s[from]))
            from++;
        while (to > from && char.IsWhiteSpace(s[to - 1]))
            to--;
        start = from;
        length = to - from;
    }
}
