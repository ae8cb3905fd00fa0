using System.Globalization;
using System.Text;

namespace Pipeline.Model.Tokenizers;

/// <summary>Character classes by code point, as Oniguruma (Hugging Face's regex engine) sees
/// them. .NET's regex engine works on UTF-16 units, so outside the BMP a letter reads as two
/// surrogates; the hand-written scanners use these classes instead.</summary>
internal static class UnicodeClass
{
    public const byte Other = 0, Letter = 1, Number = 2, Space = 3;

    private static readonly byte[] Ascii = BuildAscii();

    private static byte[] BuildAscii()
    {
        var t = new byte[128];
        for (var c = 0; c < 128; c++) t[c] = Classify(c, slow: true);
        return t;
    }

    public static byte Of(int cp) => cp < 128 ? Ascii[cp] : Classify(cp, slow: true);

    private static byte Classify(int cp, bool slow)
    {
        if (IsWhiteSpace(cp)) return Space;
        return CharUnicodeInfo.GetUnicodeCategory(cp) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
            _ => Other,
        };
    }

    /// <summary>Unicode White_Space: what Oniguruma's and Rust's \s match.</summary>
    public static bool IsWhiteSpace(int cp) => cp switch
    {
        >= 0x09 and <= 0x0D => true,
        0x20 or 0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A => true,
        0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>Rust regex's Unicode \w: alphabetic, marks, decimal digits, connector punctuation,
    /// join controls. Used for the single_word rule of added tokens.</summary>
    public static bool IsWordChar(int cp)
    {
        if (cp < 128) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
        if (cp == 0x200C || cp == 0x200D || (cp >= 0x24B6 && cp <= 0x24E9)) return true;
        return CharUnicodeInfo.GetUnicodeCategory(cp) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
    }

    /// <summary>The code point at <paramref name="i"/> and its length in UTF-16 units; a lone
    /// surrogate stands for itself.</summary>
    public static int CodePointAt(ReadOnlySpan<char> s, int i, out int length)
    {
        var c = s[i];
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            length = 2;
            return char.ConvertToUtf32(c, s[i + 1]);
        }
        length = 1;
        return c;
    }

    /// <summary>The code point ending just before <paramref name="end"/>.</summary>
    public static int CodePointBefore(ReadOnlySpan<char> s, int end, out int length)
    {
        var c = s[end - 1];
        if (char.IsLowSurrogate(c) && end >= 2 && char.IsHighSurrogate(s[end - 2]))
        {
            length = 2;
            return char.ConvertToUtf32(s[end - 2], c);
        }
        length = 1;
        return c;
    }

    public static int Utf8Length(ReadOnlySpan<char> s)
    {
        var n = 0;
        foreach (var r in s.EnumerateRunes()) n += r.Utf8SequenceLength;
        return n;
    }

    internal static Rune RuneOrReplacement(int cp) => Rune.IsValid(cp) ? new Rune(cp) : Rune.ReplacementChar;
}
