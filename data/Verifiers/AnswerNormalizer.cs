using System.Buffers;

namespace Pipeline.Data.Verifiers;

/// <summary>
/// Canonicalises a math answer's surface form in one linear pass: removes whitespace, math
/// delimiters (<c>$</c>, <c>\(</c>, <c>\[</c>), spacing commands, <c>\left</c>/<c>\right</c>,
/// degree marks and <c>\text{}</c> units after a number; maps <c>\dfrac</c>/<c>\tfrac</c> to
/// <c>\frac</c>, <c>\times</c>/<c>\cdot</c> to <c>*</c> and the Unicode minus to <c>-</c>.
/// Numeric reading (separators, fractions, percent) is <see cref="MathNumber"/>'s job.
/// </summary>
public static class AnswerNormalizer
{
    public static string Normalize(ReadOnlySpan<char> s)
    {
        var rented = s.Length <= 512 ? null : ArrayPool<char>.Shared.Rent(s.Length + 8);
        Span<char> buffer = rented ?? stackalloc char[s.Length + 8];
        try
        {
            var n = Normalize(s, buffer);
            return new string(buffer[..n]);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>Writes the normal form into <paramref name="output"/> (at least <c>s.Length</c> long) and returns its length.</summary>
    public static int Normalize(ReadOnlySpan<char> s, Span<char> output)
    {
        var n = 0;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c) || c == '$' || c == '°')
            {
                i++;
                continue;
            }
            if (c == '\u2212')
            {
                output[n++] = '-';
                i++;
                continue;
            }
            if (c == '^' && IsDegree(s, i + 1, out var degreeEnd))
            {
                i = degreeEnd;
                continue;
            }
            if (c != '\\')
            {
                output[n++] = c;
                i++;
                continue;
            }
            // A command: letters, or one non-letter character.
            var nameStart = i + 1;
            var j = nameStart;
            while (j < s.Length && char.IsAsciiLetter(s[j]))
                j++;
            if (j == nameStart)
            {
                if (j >= s.Length)
                {
                    i = j;
                    continue;
                }
                var sym = s[j];
                i = j + 1;
                switch (sym)
                {
                    case '(' or ')' or '[' or ']' or '!' or ',' or ';' or ':' or ' ' or '$':
                        break;
                    case '%':
                        output[n++] = '%';
                        break;
                    default:
                        output[n++] = sym;
                        break;
                }
                continue;
            }
            var name = s[nameStart..j];
            i = j;
            switch (name)
            {
                case "left" or "right" or "big" or "Big" or "bigl" or "bigr" or "Bigl" or "Bigr"
                    or "quad" or "qquad" or "displaystyle" or "textstyle":
                    break;
                case "dfrac" or "tfrac" or "frac":
                    "\\frac".AsSpan().CopyTo(output[n..]);
                    n += 5;
                    break;
                case "times" or "cdot":
                    output[n++] = '*';
                    break;
                case "circ" or "degree":
                    break;
                case "text" or "textrm" or "textbf" or "textit" or "mbox" or "mathrm" or "mathbf" or "operatorname":
                    i = AppendTextArgument(s, i, output, ref n);
                    break;
                default:
                    output[n++] = '\\';
                    name.CopyTo(output[n..]);
                    n += name.Length;
                    break;
            }
        }
        // A sentence's full stop is not part of the answer.
        while (n > 0 && output[n - 1] == '.')
            n--;
        return n;
    }

    private static bool IsDegree(ReadOnlySpan<char> s, int i, out int end)
    {
        var rest = s[i..];
        if (rest.StartsWith("\\circ", StringComparison.Ordinal))
        {
            end = i + 5;
            return true;
        }
        if (rest.StartsWith("{\\circ}", StringComparison.Ordinal))
        {
            end = i + 7;
            return true;
        }
        end = i;
        return false;
    }

    private static int AppendTextArgument(ReadOnlySpan<char> s, int i, Span<char> output, ref int n)
    {
        while (i < s.Length && s[i] == ' ')
            i++;
        if (i >= s.Length || s[i] != '{')
            return i;
        var close = AnswerExtractor.MatchBrace(s, i);
        if (close < 0)
            return s.Length;
        var content = s[(i + 1)..close];
        var afterNumber = n > 0 && (char.IsAsciiDigit(output[n - 1]) || output[n - 1] == '%');
        if (afterNumber && IsUnitWord(content))
            return close + 1;
        foreach (var c in content)
        {
            if (!char.IsWhiteSpace(c))
                output[n++] = c;
        }
        return close + 1;
    }

    private static bool IsUnitWord(ReadOnlySpan<char> s)
    {
        var letters = 0;
        foreach (var c in s)
        {
            if (char.IsLetter(c))
                letters++;
            else if (c is not (' ' or '.' or '^' or '2' or '3' or '/'))
                return false;
        }
        return letters > 0;
    }
}
