namespace Pipeline.Data.Verifiers;

internal static class Text
{
    /// <summary>A bounded, printable excerpt for reasons: a 1 MB completion must not become a 1 MB log line.</summary>
    public static string Snip(ReadOnlySpan<char> s, int max = 48)
    {
        if (s.Length <= max)
            return Printable(s);
        return Printable(s[..(max / 2)]) + "…" + Printable(s[^(max / 2)..]);
    }

    private static string Printable(ReadOnlySpan<char> s)
    {
        // Lone surrogates and control characters would make the reason itself invalid UTF-8 or
        // break a log line; replace them here so every reason is safe to write anywhere.
        Span<char> buffer = s.Length <= 256 ? stackalloc char[s.Length] : new char[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                buffer[i] = c;
                buffer[i + 1] = s[i + 1];
                i++;
                continue;
            }
            buffer[i] = char.IsSurrogate(c) ? '\uFFFD' : char.IsControl(c) ? ' ' : c;
        }
        return new string(buffer);
    }
}
