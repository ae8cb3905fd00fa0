using System.Globalization;
using System.Numerics;

namespace Pipeline.Data.Verifiers;

/// <summary>
/// Reads a normalised answer (see <see cref="AnswerNormalizer"/>) as an exact rational:
/// integers with thousands separators, decimals, scientific notation (<c>1.5e3</c>,
/// <c>1.5*10^{3}</c>), <c>a/b</c>, <c>\frac{a}{b}</c>, <c>\frac12</c>, a sign, and a trailing
/// percent, which the caller decides how to read.
/// </summary>
public static class MathNumber
{
    public const int DefaultMaxDigits = 400;
    private const int MaxExponent = 400;

    public static bool TryParse(ReadOnlySpan<char> s, out Rational value, out bool percent, int maxDigits = DefaultMaxDigits)
    {
        value = default;
        percent = false;
        // One pair of grouping parentheses around a number, as in \left(\frac{1}{2}\right).
        if (s.Length > 2 && s[0] == '(' && s[^1] == ')')
            s = s[1..^1];
        if (s.Length > 0 && s[^1] == '%')
        {
            percent = true;
            s = s[..^1];
        }
        var negative = false;
        var i = 0;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            negative = s[i] == '-';
            i++;
        }
        var body = s[i..];
        bool ok;
        if (body.StartsWith("\\frac", StringComparison.Ordinal))
        {
            ok = TryFrac(body[5..], maxDigits, out value);
        }
        else
        {
            var slash = body.IndexOf('/');
            if (slash >= 0)
            {
                ok = TryDecimal(body[..slash], maxDigits, out var num)
                     & TryDecimal(body[(slash + 1)..], maxDigits, out var den)
                     && Rational.TryDivide(num, den, out value);
            }
            else
            {
                ok = TryScientific(body, maxDigits, out value);
            }
        }
        if (ok && negative)
            value = -value;
        return ok;
    }

    private static bool TryFrac(ReadOnlySpan<char> s, int maxDigits, out Rational value)
    {
        value = default;
        if (!TryFracArgument(ref s, maxDigits, out var num) || !TryFracArgument(ref s, maxDigits, out var den) || s.Length != 0)
            return false;
        return Rational.TryDivide(num, den, out value);
    }

    private static bool TryFracArgument(ref ReadOnlySpan<char> s, int maxDigits, out Rational value)
    {
        value = default;
        if (s.Length == 0)
            return false;
        if (char.IsAsciiDigit(s[0]))
        {
            // \frac12: each argument is one digit.
            value = new Rational(s[0] - '0');
            s = s[1..];
            return true;
        }
        if (s[0] != '{')
            return false;
        var close = s.IndexOf('}');
        if (close < 0)
            return false;
        var arg = s[1..close];
        s = s[(close + 1)..];
        var negative = arg.Length > 0 && arg[0] == '-';
        if (negative || (arg.Length > 0 && arg[0] == '+'))
            arg = arg[1..];
        if (!TryDecimal(arg, maxDigits, out value))
            return false;
        if (negative)
            value = -value;
        return true;
    }

    private static bool TryScientific(ReadOnlySpan<char> s, int maxDigits, out Rational value)
    {
        value = default;
        var exponent = 0;
        var times = s.IndexOf("*10^", StringComparison.Ordinal);
        if (times >= 0)
        {
            var e = s[(times + 4)..];
            if (e.Length >= 2 && e[0] == '{' && e[^1] == '}')
                e = e[1..^1];
            if (!TryExponent(e, out exponent))
                return false;
            s = s[..times];
        }
        if (!TryDecimal(s, maxDigits, out value))
            return false;
        if (exponent != 0)
            value *= Rational.Pow10(exponent);
        return true;
    }

    private static bool TryExponent(ReadOnlySpan<char> s, out int exponent) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)
        && exponent is >= -MaxExponent and <= MaxExponent;

    /// <summary>Unsigned decimal: <c>1,234.5</c>, <c>.5</c>, <c>2.</c>, <c>1e-3</c>.</summary>
    public static bool TryDecimal(ReadOnlySpan<char> s, int maxDigits, out Rational value)
    {
        value = default;
        var exponent = 0;
        var e = s.IndexOfAny('e', 'E');
        if (e >= 0)
        {
            if (!TryExponent(s[(e + 1)..], out exponent))
                return false;
            s = s[..e];
        }
        if (s.Length == 0)
            return false;
        Span<char> digits = maxDigits <= 512 ? stackalloc char[maxDigits] : new char[maxDigits];
        var count = 0;
        var fraction = 0;
        var seenPoint = false;
        var groupLength = 0;
        var seenComma = false;
        var leading = 0;
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == maxDigits)
                    return false;
                digits[count++] = c;
                if (seenPoint)
                    fraction++;
                else
                {
                    groupLength++;
                    if (!seenComma)
                        leading++;
                }
            }
            else if (c == ',' && !seenPoint)
            {
                // Thousands groups: 1-3 digits first, then exactly three between commas.
                if ((seenComma ? groupLength != 3 : leading is 0 or > 3))
                    return false;
                seenComma = true;
                groupLength = 0;
            }
            else if (c == '.' && !seenPoint)
            {
                if (seenComma && groupLength != 3)
                    return false;
                seenPoint = true;
            }
            else
            {
                return false;
            }
        }
        if (count == 0 || (seenComma && !seenPoint && groupLength != 3))
            return false;
        var scale = exponent - fraction;
        var digitSpan = digits[..count];
        BigInteger integer;
        if (count <= 18)
        {
            long v = 0;
            foreach (var d in digitSpan)
                v = v * 10 + (d - '0');
            integer = v;
        }
        else
        {
            integer = BigInteger.Parse(digitSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        value = scale == 0 ? new Rational(integer) : new Rational(integer) * Rational.Pow10(scale);
        return true;
    }
}
