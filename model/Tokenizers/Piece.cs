namespace Pipeline.Model.Tokenizers;

/// <summary>A slice of text on its way through normalisation and pre-tokenisation.
/// <see cref="AtOrigin"/> says whether it begins at offset 0 of the original input, which is what
/// Metaspace's prepend_scheme "first" asks.</summary>
internal readonly record struct Piece(string Text, int Start, int Length, bool AtOrigin)
{
    public ReadOnlySpan<char> Span => Text.AsSpan(Start, Length);

    public static Piece Of(string text, bool atOrigin) => new(text, 0, text.Length, atOrigin);

    public Piece Slice(int start, int end) => new(Text, Start + start, end - start, AtOrigin && start == 0);

    public override string ToString() => Span.ToString();
}
