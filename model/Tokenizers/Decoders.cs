using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Model.Tokenizers;

/// <summary>One step of Hugging Face's decoder chain: token strings in, token strings out; the
/// tokenizer joins what the last step returns.</summary>
internal interface IDecoder
{
    List<string> DecodeChain(List<string> tokens);
}

internal sealed class SequenceDecoder(IReadOnlyList<IDecoder> steps) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        foreach (var s in steps) tokens = s.DecodeChain(tokens);
        return tokens;
    }
}

/// <summary>Byte-level characters back to bytes, then UTF-8 with U+FFFD for invalid sequences.
/// A token holding a character outside the byte-level alphabet (an added token such as
/// "&lt;思考&gt;") contributes its own UTF-8 bytes.</summary>
internal sealed class ByteLevelDecoder : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var t in tokens)
        {
            var mark = bytes.Count;
            var ok = true;
            foreach (var c in t)
            {
                var b = ByteLevelAlphabet.CharToByte(c);
                if (b < 0)
                {
                    ok = false;
                    break;
                }
                bytes.Add((byte)b);
            }
            if (!ok)
            {
                bytes.RemoveRange(mark, bytes.Count - mark);
                bytes.AddRange(Encoding.UTF8.GetBytes(t));
            }
        }
        return [Encoding.UTF8.GetString(bytes.ToArray())];
    }
}

/// <summary>Runs of &lt;0xXX&gt; tokens become the text their bytes spell, or one U+FFFD per byte
/// when those bytes are not valid UTF-8.</summary>
internal sealed class ByteFallbackDecoder : IDecoder
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var t in tokens)
        {
            if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>'
                && byte.TryParse(t.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b))
            {
                pending.Add(b);
                continue;
            }
            Flush(pending, result);
            result.Add(t);
        }
        Flush(pending, result);
        return result;
    }

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0) return;
        try
        {
            result.Add(Strict.GetString(pending.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            for (var i = 0; i < pending.Count; i++) result.Add("\uFFFD");
        }
        pending.Clear();
    }
}

internal sealed class FuseDecoder : IDecoder
{
    public List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];
}

/// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing copies of a character
/// from every token.</summary>
internal sealed class StripDecoder(string content, int start, int stop) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        foreach (var t in tokens)
        {
            var runes = t.EnumerateRunes().ToArray();
            var from = 0;
            for (var i = 0; i < Math.Min(start, runes.Length) && runes[i].ToString() == content; i++) from = i + 1;
            var to = runes.Length;
            for (var i = 0; i < stop && runes.Length - i - 1 >= from && runes[runes.Length - i - 1].ToString() == content; i++) to = runes.Length - i - 1;
            var sb = new StringBuilder();
            for (var i = from; i < to; i++) sb.Append(runes[i].ToString());
            result.Add(sb.ToString());
        }
        return result;
    }
}

internal sealed class ReplaceDecoder : IDecoder
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    public ReplaceDecoder(string? literal, string? regex, string content)
    {
        _literal = literal;
        _regex = regex is null ? null : new Regex(regex, RegexOptions.CultureInvariant);
        _content = content;
    }

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        foreach (var t in tokens)
        {
            if (_literal is not null) result.Add(_literal.Length == 0 ? t : t.Replace(_literal, _content, StringComparison.Ordinal));
            else result.Add(_regex!.Replace(t, _content.Replace("$", "$$", StringComparison.Ordinal)));
        }
        return result;
    }
}

/// <summary>The replacement character becomes a space; the first token loses it instead when the
/// pre-tokenizer prepends one.</summary>
internal sealed class MetaspaceDecoder(char replacement, bool stripFirst) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            result.Add(i == 0 && stripFirst ? t.Replace(replacement.ToString(), "", StringComparison.Ordinal) : t.Replace(replacement, ' '));
        }
        return result;
    }
}
