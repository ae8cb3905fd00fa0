using System.Text.RegularExpressions;

namespace Pipeline.Model.Tokenizers;

/// <summary>The pre-tokenisation regexes of the common byte-level tokenizers, and the matcher for
/// each: a hand-written scanner for the known ones, .NET's regex engine for any other.</summary>
public static class PretokenizerPatterns
{
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public const string Llama3 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public const string Qwen2 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Hand-written scanners work on code points, as Oniguruma does: .NET's regex sees a
    /// letter outside the BMP as two surrogates and would split it differently. They are also
    /// several times faster than the compiled regex.</summary>
    internal static ISplitMatcher For(string pattern) => pattern switch
    {
        Gpt2 => new Gpt2Scanner(),
        Llama3 => new Llama3Scanner(maxDigits: 3),
        Qwen2 => new Llama3Scanner(maxDigits: 1),
        _ => new RegexSplitMatcher(pattern),
    };

    /// <summary>The pieces the tokenizer's matcher for <paramref name="pattern"/> cuts
    /// <paramref name="text"/> into (matches only; with these patterns every character is in one).</summary>
    public static IReadOnlyList<string> Split(string pattern, string text) => Pieces(MatcherCache.GetOrAdd(pattern, For), text);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ISplitMatcher> MatcherCache = new();

    /// <summary>The same, run by .NET's regex engine: the reference for the hand-written scanners,
    /// exact on BMP text.</summary>
    public static IReadOnlyList<string> SplitWithRegex(string pattern, string text) =>
        Pieces(RegexCache.GetOrAdd(pattern, p => new RegexSplitMatcher(p)), text);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ISplitMatcher> RegexCache = new();

    private static List<string> Pieces(ISplitMatcher matcher, string text)
    {
        var matches = new List<(int Start, int End)>();
        matcher.FindMatches(text, matches);
        return matches.Select(m => text[m.Start..m.End]).ToList();
    }
}

internal sealed class RegexSplitMatcher : ISplitMatcher
{
    private readonly Regex _regex;

    public RegexSplitMatcher(string pattern)
    {
        _regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
    }

    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End)> matches)
    {
        foreach (var m in _regex.EnumerateMatches(text))
        {
            if (m.Length == 0) continue;
            matches.Add((m.Index, m.Index + m.Length));
        }
    }
}

/// <summary>GPT-2's pattern, alternative by alternative in the regex's priority order.</summary>
internal sealed class Gpt2Scanner : ISplitMatcher
{
    public void FindMatches(ReadOnlySpan<char> s, List<(int Start, int End)> matches)
    {
        var i = 0;
        while (i < s.Length)
        {
            var end = MatchAt(s, i);
            matches.Add((i, end));
            i = end;
        }
    }

    private static int MatchAt(ReadOnlySpan<char> s, int i)
    {
        var c = s[i];
        if (c == '\'' && i + 1 < s.Length)
        {
            var n1 = s[i + 1];
            if (n1 is 's' or 't' or 'm' or 'd') return i + 2;
            if (i + 2 < s.Length)
            {
                var n2 = s[i + 2];
                if ((n1 == 'r' && n2 == 'e') || (n1 == 'v' && n2 == 'e') || (n1 == 'l' && n2 == 'l')) return i + 3;
            }
        }
        var cp = UnicodeClass.CodePointAt(s, i, out var len);
        var cls = UnicodeClass.Of(cp);
        if (c == ' ' && i + 1 < s.Length)
        {
            var next = UnicodeClass.Of(UnicodeClass.CodePointAt(s, i + 1, out _));
            if (next != UnicodeClass.Space) return Run(s, i + 1, next);
        }
        if (cls != UnicodeClass.Space) return Run(s, i, cls);
        var j = SpaceRunEnd(s, i);
        if (j == s.Length) return j;
        return j - i >= 2 ? j - 1 : i + 1;
    }

    internal static int Run(ReadOnlySpan<char> s, int i, byte cls)
    {
        while (i < s.Length)
        {
            var cp = UnicodeClass.CodePointAt(s, i, out var len);
            if (UnicodeClass.Of(cp) != cls) break;
            i += len;
        }
        return i;
    }

    // White space is all in the BMP, so a run is counted in UTF-16 units.
    internal static int SpaceRunEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && UnicodeClass.IsWhiteSpace(s[i])) i++;
        return i;
    }
}

/// <summary>Llama 3's pattern (cl100k's), and Qwen2's, which differs only in taking one digit at a
/// time. The contractions are case-insensitive, and Oniguruma's case folding lets 'ſ' match 's'.</summary>
internal sealed class Llama3Scanner : ISplitMatcher
{
    private readonly int _maxDigits;

    public Llama3Scanner(int maxDigits) => _maxDigits = maxDigits;

    public void FindMatches(ReadOnlySpan<char> s, List<(int Start, int End)> matches)
    {
        var i = 0;
        while (i < s.Length)
        {
            var end = MatchAt(s, i);
            matches.Add((i, end));
            i = end;
        }
    }

    private static bool Is(char c, char lower) => c == lower || c == char.ToUpperInvariant(lower) || (lower == 's' && c == '\u017F');

    private int MatchAt(ReadOnlySpan<char> s, int i)
    {
        var c = s[i];
        if (c == '\'' && i + 1 < s.Length)
        {
            var n1 = s[i + 1];
            if (Is(n1, 's') || Is(n1, 't') || Is(n1, 'm') || Is(n1, 'd')) return i + 2;
            if (i + 2 < s.Length)
            {
                var n2 = s[i + 2];
                if ((Is(n1, 'r') && Is(n2, 'e')) || (Is(n1, 'v') && Is(n2, 'e')) || (Is(n1, 'l') && Is(n2, 'l'))) return i + 3;
            }
        }
        var cp = UnicodeClass.CodePointAt(s, i, out var len);
        var cls = UnicodeClass.Of(cp);
        if (cls == UnicodeClass.Letter) return Gpt2Scanner.Run(s, i, UnicodeClass.Letter);
        if (cls != UnicodeClass.Number && c != '\r' && c != '\n' && i + len < s.Length
            && UnicodeClass.Of(UnicodeClass.CodePointAt(s, i + len, out _)) == UnicodeClass.Letter)
            return Gpt2Scanner.Run(s, i + len, UnicodeClass.Letter);
        if (cls == UnicodeClass.Number)
        {
            var j = i;
            for (var k = 0; k < _maxDigits && j < s.Length; k++)
            {
                var d = UnicodeClass.CodePointAt(s, j, out var dl);
                if (UnicodeClass.Of(d) != UnicodeClass.Number) break;
                j += dl;
            }
            return j;
        }
        if (c == ' ' && i + 1 < s.Length && UnicodeClass.Of(UnicodeClass.CodePointAt(s, i + 1, out _)) == UnicodeClass.Other)
            return NewLines(s, Gpt2Scanner.Run(s, i + 1, UnicodeClass.Other));
        if (cls == UnicodeClass.Other) return NewLines(s, Gpt2Scanner.Run(s, i, UnicodeClass.Other));

        var end = Gpt2Scanner.SpaceRunEnd(s, i);
        for (var k = end - 1; k >= i; k--)
        {
            if (s[k] is '\r' or '\n') return k + 1;
        }
        if (end == s.Length) return end;
        return end - i >= 2 ? end - 1 : i + 1;
    }

    private static int NewLines(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && s[i] is '\r' or '\n') i++;
        return i;
    }
}
