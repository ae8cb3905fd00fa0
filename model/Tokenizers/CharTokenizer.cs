using System.Text;

namespace Pipeline.Model.Tokenizers;

/// <summary>One token per character of a task's alphabet, plus special tokens, plus (optionally)
/// one token per byte for anything outside the alphabet. Ids: the special tokens first in the
/// order given (<see cref="DefaultSpecialTokens"/>: pad 0, bos 1, eos 2, ...), then the alphabet in
/// order, then the 256 byte tokens <c>&lt;0x00&gt;</c>..<c>&lt;0xFF&gt;</c>.</summary>
public sealed class CharTokenizer : ITokenizer
{
    public const string Pad = "<pad>", Bos = "<bos>", Eos = "<eos>";
    public const string ThinkOpen = "<think>", ThinkClose = "</think>", AnswerOpen = "<answer>", AnswerClose = "</answer>";

    public static readonly IReadOnlyList<string> DefaultSpecialTokens = [Pad, Bos, Eos, ThinkOpen, ThinkClose, AnswerOpen, AnswerClose];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _runeIds = new();
    private readonly string[] _specialsLongestFirst;
    private readonly int _specialCount;
    private readonly int _firstByteId;
    private readonly bool _addBos;
    private readonly bool _addEos;

    /// <param name="alphabet">Every character the task's text may hold; duplicates are ignored.</param>
    /// <param name="specialTokens">Matched in text before characters, longest first; must hold
    /// <c>&lt;pad&gt;</c>, <c>&lt;bos&gt;</c> and <c>&lt;eos&gt;</c>. Defaults to <see cref="DefaultSpecialTokens"/>.</param>
    /// <param name="byteFallback">Encode characters outside the alphabet as UTF-8 byte tokens instead
    /// of throwing.</param>
    public CharTokenizer(string alphabet, IReadOnlyList<string>? specialTokens = null, bool byteFallback = false,
        bool addBos = true, bool addEos = false)
    {
        specialTokens ??= DefaultSpecialTokens;
        var tokens = new List<string>();
        foreach (var s in specialTokens)
        {
            if (string.IsNullOrEmpty(s)) throw new ArgumentException("Special tokens cannot be empty.", nameof(specialTokens));
            if (!_ids.TryAdd(s, tokens.Count)) throw new ArgumentException($"Special token '{s}' is listed twice.", nameof(specialTokens));
            tokens.Add(s);
        }
        foreach (var required in new[] { Pad, Bos, Eos })
            if (!_ids.ContainsKey(required)) throw new ArgumentException($"The special tokens must include {required}.", nameof(specialTokens));
        _specialCount = tokens.Count;
        _specialsLongestFirst = specialTokens.OrderByDescending(s => s.Length).ToArray();

        foreach (var rune in alphabet.EnumerateRunes())
        {
            if (_runeIds.ContainsKey(rune.Value)) continue;
            _runeIds[rune.Value] = tokens.Count;
            tokens.Add(rune.ToString());
        }
        if (_runeIds.Count == 0 && !byteFallback) throw new ArgumentException("The alphabet is empty and byte fallback is off.", nameof(alphabet));
        Alphabet = alphabet;
        _firstByteId = byteFallback ? tokens.Count : -1;
        if (byteFallback)
            for (var b = 0; b < 256; b++) tokens.Add($"<0x{b:X2}>");
        _tokens = tokens.ToArray();
        _addBos = addBos;
        _addEos = addEos;
    }

    /// <summary>A pure byte tokenizer: the default special tokens and the 256 bytes.</summary>
    public static CharTokenizer Bytes() => new("", byteFallback: true);

    public string Alphabet { get; }
    public bool ByteFallback => _firstByteId >= 0;
    public int VocabSize => _tokens.Length;
    public int? BosId => _ids[Bos];
    public int? EosId => _ids[Eos];
    public int? PadId => _ids[Pad];

    public int? TokenToId(string token)
    {
        if (_ids.TryGetValue(token, out var id)) return id;
        var runes = token.EnumerateRunes();
        if (runes.MoveNext() && runes.Current.Utf16SequenceLength == token.Length && _runeIds.TryGetValue(runes.Current.Value, out id)) return id;
        if (ByteFallback && token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b)
            && token == _tokens[_firstByteId + b]) return _firstByteId + b;
        return null;
    }

    public string? IdToToken(int id) => id >= 0 && id < _tokens.Length ? _tokens[id] : null;

    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        var ids = new List<int>(text.Length + 2);
        if (addSpecialTokens && _addBos) ids.Add(_ids[Bos]);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length;)
        {
            var special = MatchSpecial(text, i);
            if (special is not null)
            {
                ids.Add(_ids[special]);
                i += special.Length;
                continue;
            }
            var cp = UnicodeClass.CodePointAt(text, i, out var len);
            if (_runeIds.TryGetValue(cp, out var id)) ids.Add(id);
            else if (ByteFallback)
            {
                var n = UnicodeClass.RuneOrReplacement(cp).EncodeToUtf8(utf8);
                for (var k = 0; k < n; k++) ids.Add(_firstByteId + utf8[k]);
            }
            else
                throw new ArgumentException($"Character U+{cp:X4} '{char.ConvertFromUtf32(UnicodeClass.RuneOrReplacement(cp).Value)}' at index {i} is not in the tokenizer's alphabet.", nameof(text));
            i += len;
        }
        if (addSpecialTokens && _addEos) ids.Add(_ids[Eos]);
        return ids.ToArray();
    }

    private string? MatchSpecial(string text, int i)
    {
        foreach (var s in _specialsLongestFirst)
            if (i + s.Length <= text.Length && string.CompareOrdinal(text, i, s, 0, s.Length) == 0) return s;
        return null;
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var sb = new StringBuilder(ids.Length);
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id < 0 || id >= _tokens.Length) continue;
            if (ByteFallback && id >= _firstByteId)
            {
                bytes.Add((byte)(id - _firstByteId));
                continue;
            }
            if (bytes.Count > 0)
            {
                sb.Append(Encoding.UTF8.GetString(bytes.ToArray()));
                bytes.Clear();
            }
            if (id < _specialCount && skipSpecialTokens) continue;
            sb.Append(_tokens[id]);
        }
        if (bytes.Count > 0) sb.Append(Encoding.UTF8.GetString(bytes.ToArray()));
        return sb.ToString();
    }
}
