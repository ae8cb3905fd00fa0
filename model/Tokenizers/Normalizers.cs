using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Model.Tokenizers;

/// <summary>A text-to-text step applied to every piece of input outside the added tokens.</summary>
internal interface INormalizer
{
    /// <summary>Returns the normalised text; clears <paramref name="atOrigin"/> when the step
    /// removed the text's first original character.</summary>
    string Normalize(string text, ref bool atOrigin);
}

internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> steps) : INormalizer
{
    public string Normalize(string text, ref bool atOrigin)
    {
        foreach (var step in steps) text = step.Normalize(text, ref atOrigin);
        return text;
    }
}

internal sealed class PrependNormalizer(string prefix) : INormalizer
{
    public string Normalize(string text, ref bool atOrigin) => text.Length == 0 ? text : prefix + text;
}

internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text, ref bool atOrigin) => text.ToLowerInvariant();
}

internal sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    public string Normalize(string text, ref bool atOrigin)
    {
        var start = 0;
        var end = text.Length;
        if (left) while (start < end && UnicodeClass.IsWhiteSpace(text[start])) start++;
        if (right) while (end > start && UnicodeClass.IsWhiteSpace(text[end - 1])) end--;
        if (start > 0) atOrigin = false;
        return start == 0 && end == text.Length ? text : text[start..end];
    }
}

/// <summary>Replace with a literal pattern or a regex; the decoder of the same name reuses it.</summary>
internal sealed class ReplaceNormalizer : INormalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    public ReplaceNormalizer(string? literal, string? regex, string content)
    {
        _literal = literal;
        _regex = regex is null ? null : new Regex(regex, RegexOptions.CultureInvariant);
        _content = content;
    }

    public string Normalize(string text, ref bool atOrigin)
    {
        if (_literal is not null)
        {
            if (_literal.Length == 0) return text;
            if (_content.Length == 0 && text.StartsWith(_literal, StringComparison.Ordinal)) atOrigin = false;
            return text.Replace(_literal, _content, StringComparison.Ordinal);
        }
        return _regex!.Replace(text, _content.Replace("$", "$$", StringComparison.Ordinal));
    }
}

/// <summary>Maps every UTF-8 byte to its byte-level character (the ByteLevel normalizer).</summary>
internal sealed class ByteLevelNormalizer : INormalizer
{
    public string Normalize(string text, ref bool atOrigin) => ByteLevelText.Map(text);
}

internal static class ByteLevelText
{
    public static string Map(ReadOnlySpan<char> text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToArray());
        return string.Create(bytes.Length, bytes, static (dst, src) =>
        {
            for (var i = 0; i < src.Length; i++) dst[i] = ByteLevelAlphabet.ByteToChar(src[i]);
        });
    }
}
