using System.Buffers;

namespace Pipeline.Model.Tokenizers;

/// <summary>Finds added tokens in text the way Hugging Face does: leftmost-longest matches,
/// skipping single_word tokens glued to a word, and widening lstrip/rstrip tokens over the white
/// space beside them. Tokens with <c>normalized</c> false are matched in the raw text, the others
/// in the normalised text against their normalised content.</summary>
internal sealed class AddedVocabulary
{
    private readonly Matcher _raw;
    private readonly Matcher _normalized;

    public AddedVocabulary(IReadOnlyList<AddedToken> tokens, INormalizer? normalizer)
    {
        Tokens = tokens;
        var raw = new List<(string, AddedToken)>();
        var norm = new List<(string, AddedToken)>();
        // Special tokens first, then the others, as Hugging Face orders its matchers.
        foreach (var t in tokens.Where(t => t.Special).Concat(tokens.Where(t => !t.Special)))
        {
            if (t.Content.Length == 0) continue;
            if (!t.Normalized) raw.Add((t.Content, t));
            else
            {
                var atOrigin = true;
                var content = normalizer?.Normalize(t.Content, ref atOrigin) ?? t.Content;
                if (content.Length > 0) norm.Add((content, t));
            }
        }
        _raw = new Matcher(raw);
        _normalized = new Matcher(norm);
    }

    public IReadOnlyList<AddedToken> Tokens { get; }

    public bool HasRaw => _raw.Any;
    public bool HasNormalized => _normalized.Any;

    /// <summary>Appends to <paramref name="output"/> the text pieces (token null) and matched
    /// tokens of <paramref name="piece"/>, in order.</summary>
    public void SplitRaw(Piece piece, List<(Piece Piece, AddedToken? Token)> output) => _raw.Split(piece, output);

    public void SplitNormalized(Piece piece, List<(Piece Piece, AddedToken? Token)> output) => _normalized.Split(piece, output);

    private sealed class Matcher
    {
        private readonly Dictionary<char, (string Pattern, AddedToken Token)[]> _byFirstChar = new();
        private readonly SearchValues<char> _firstChars;

        public Matcher(List<(string Pattern, AddedToken Token)> patterns)
        {
            foreach (var group in patterns.GroupBy(p => p.Pattern[0]))
            {
                // Longest first gives leftmost-longest; among equal patterns the first listed wins.
                _byFirstChar[group.Key] = group.Select((p, i) => (p, i)).OrderByDescending(x => x.p.Pattern.Length)
                    .ThenBy(x => x.i).Select(x => x.p).ToArray();
            }
            _firstChars = SearchValues.Create(_byFirstChar.Keys.ToArray());
        }

        public bool Any => _byFirstChar.Count > 0;

        public void Split(Piece piece, List<(Piece, AddedToken?)> output)
        {
            var s = piece.Span;
            if (s.IsEmpty) return;
            var startOffset = 0;
            var at = 0;
            while (at < s.Length)
            {
                var k = s[at..].IndexOfAny(_firstChars);
                if (k < 0) break;
                var start = at + k;
                (string Pattern, AddedToken Token)? found = null;
                foreach (var candidate in _byFirstChar[s[start]])
                {
                    if (s[start..].StartsWith(candidate.Pattern, StringComparison.Ordinal))
                    {
                        found = candidate;
                        break;
                    }
                }
                if (found is null)
                {
                    at = start + 1;
                    continue;
                }
                var (pattern, token) = found.Value;
                var stop = start + pattern.Length;
                // The matcher has consumed this span whether or not the token is kept.
                at = stop;

                if (token.SingleWord)
                {
                    var startSpace = start == 0 || !UnicodeClass.IsWordChar(UnicodeClass.CodePointBefore(s, start, out _));
                    var stopSpace = stop == s.Length || !UnicodeClass.IsWordChar(UnicodeClass.CodePointAt(s, stop, out _));
                    if (!startSpace || !stopSpace) continue;
                }
                if (token.LStrip)
                {
                    var newStart = start;
                    while (newStart > 0 && UnicodeClass.IsWhiteSpace(s[newStart - 1])) newStart--;
                    start = Math.Max(newStart, startOffset);
                }
                if (token.RStrip)
                {
                    while (stop < s.Length && UnicodeClass.IsWhiteSpace(s[stop])) stop++;
                }
                if (startOffset < start) output.Add((piece.Slice(startOffset, start), null));
                output.Add((piece.Slice(start, stop), token));
                startOffset = stop;
            }
            if (startOffset < s.Length) output.Add((piece.Slice(startOffset, s.Length), null));
        }
    }
}
