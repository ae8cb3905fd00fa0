namespace Pipeline.Model.Tokenizers;

/// <summary>Cuts a normalised piece into the words the model encodes one at a time.</summary>
internal interface IPreTokenizer
{
    void Split(Piece piece, List<Piece> output);
}

internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    public IReadOnlyList<IPreTokenizer> Steps => steps;

    public void Split(Piece piece, List<Piece> output)
    {
        var current = new List<Piece> { piece };
        var next = new List<Piece>();
        foreach (var step in steps)
        {
            next.Clear();
            foreach (var p in current) step.Split(p, next);
            (current, next) = (next, current);
        }
        output.AddRange(current);
    }
}

/// <summary>Split on a pattern (a literal string or an Oniguruma regex in Hugging Face).</summary>
internal sealed class SplitPreTokenizer(ISplitMatcher matcher, SplitBehavior behavior, bool invert) : IPreTokenizer
{
    [ThreadStatic] private static List<(int, int)>? t_matches;

    public void Split(Piece piece, List<Piece> output)
    {
        var matches = t_matches ??= new List<(int, int)>();
        matches.Clear();
        matcher.FindMatches(piece.Span, matches);
        SplitBehaviorRules.Apply(piece, matches, behavior, invert, output);
    }
}

/// <summary>Literal (escaped) pattern for Split with {"String": ...}.</summary>
internal sealed class LiteralSplitMatcher(string literal) : ISplitMatcher
{
    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End)> matches)
    {
        if (literal.Length == 0) return;
        var at = 0;
        while (at <= text.Length - literal.Length)
        {
            var k = text[at..].IndexOf(literal, StringComparison.Ordinal);
            if (k < 0) break;
            matches.Add((at + k, at + k + literal.Length));
            at += k + literal.Length;
        }
    }
}

/// <summary>One match per code point that satisfies a predicate, as Hugging Face's char patterns.</summary>
internal sealed class CharPredicateMatcher(Func<int, bool> predicate) : ISplitMatcher
{
    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End)> matches)
    {
        for (var i = 0; i < text.Length;)
        {
            var cp = UnicodeClass.CodePointAt(text, i, out var len);
            if (predicate(cp)) matches.Add((i, i + len));
            i += len;
        }
    }
}

/// <summary>GPT-2's ByteLevel pre-tokenizer: optional prefix space, the GPT-2 split, then every
/// UTF-8 byte as its byte-level character. When it is the last step the tokenizer maps bytes
/// itself (<paramref name="mapBytes"/> false), so that the word cache is keyed by the raw text.</summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex, bool mapBytes) : IPreTokenizer
{
    private static readonly SplitPreTokenizer Gpt2Split =
        new(PretokenizerPatterns.For(PretokenizerPatterns.Gpt2), SplitBehavior.Isolated, invert: false);

    public bool AddPrefixSpace => addPrefixSpace;
    public bool UseRegex => useRegex;

    public void Split(Piece piece, List<Piece> output)
    {
        if (addPrefixSpace && (piece.Length == 0 || piece.Span[0] != ' '))
            piece = new Piece(" " + piece.ToString(), 0, piece.Length + 1, piece.AtOrigin);
        if (!mapBytes)
        {
            if (useRegex) Gpt2Split.Split(piece, output);
            else output.Add(piece);
            return;
        }
        var parts = new List<Piece>();
        if (useRegex) Gpt2Split.Split(piece, parts);
        else parts.Add(piece);
        foreach (var p in parts) output.Add(Piece.Of(ByteLevelText.Map(p.Span), p.AtOrigin));
    }
}

/// <summary>SentencePiece's Metaspace: spaces become the replacement character, which is
/// prepended per <c>prepend_scheme</c>, and the text is split before each replacement.</summary>
internal sealed class MetaspacePreTokenizer(char replacement, MetaspacePrependScheme scheme, bool split) : IPreTokenizer
{
    private readonly CharPredicateMatcher _matcher = new(cp => cp == replacement);

    public void Split(Piece piece, List<Piece> output)
    {
        var text = piece.Span.ToString().Replace(' ', replacement);
        var prepend = scheme switch
        {
            MetaspacePrependScheme.Always => !text.StartsWith(replacement),
            MetaspacePrependScheme.First => !text.StartsWith(replacement) && piece.AtOrigin,
            _ => false,
        };
        if (prepend) text = replacement + text;
        var replaced = Piece.Of(text, piece.AtOrigin);
        if (!split)
        {
            if (replaced.Length > 0) output.Add(replaced);
            return;
        }
        var matches = new List<(int, int)>();
        _matcher.FindMatches(replaced.Span, matches);
        SplitBehaviorRules.Apply(replaced, matches, SplitBehavior.MergedWithNext, invert: false, output);
    }
}

internal enum MetaspacePrependScheme { Always, First, Never }

internal sealed class DigitsPreTokenizer(bool individualDigits) : IPreTokenizer
{
    private readonly SplitPreTokenizer _split = new(
        new CharPredicateMatcher(cp => UnicodeClass.Of(cp) == UnicodeClass.Number),
        individualDigits ? SplitBehavior.Isolated : SplitBehavior.Contiguous, invert: false);

    public void Split(Piece piece, List<Piece> output) => _split.Split(piece, output);
}

internal sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    private readonly SplitPreTokenizer _split = new(new CharPredicateMatcher(UnicodeClass.IsWhiteSpace), SplitBehavior.Removed, invert: false);

    public void Split(Piece piece, List<Piece> output) => _split.Split(piece, output);
}
