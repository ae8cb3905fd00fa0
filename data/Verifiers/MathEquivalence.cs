namespace Pipeline.Data.Verifiers;

/// <summary>Decides whether two answers mean the same number (or, failing that, the same normalised text).</summary>
public static class MathEquivalence
{
    public static bool AreEquivalent(string predicted, string reference, MathAnswerOptions options) =>
        AreEquivalentNormalized(AnswerNormalizer.Normalize(predicted), AnswerNormalizer.Normalize(reference), options);

    public static bool AreEquivalentNormalized(string predicted, string reference, MathAnswerOptions options)
    {
        if (MathNumber.TryParse(predicted, out var p, out var pPercent, options.MaxDigits)
            && MathNumber.TryParse(reference, out var r, out var rPercent, options.MaxDigits))
        {
            // "50%" may be read as 50 or as 0.5; a plain number has one reading.
            if (Close(p, r, options))
                return true;
            var hundred = new Rational(100);
            if (pPercent && Rational.TryDivide(p, hundred, out var p100) && Close(p100, r, options))
                return true;
            if (rPercent && Rational.TryDivide(r, hundred, out var r100) && Close(p, r100, options))
                return true;
            return false;
        }
        return string.Equals(predicted, reference, StringComparison.OrdinalIgnoreCase);
    }

    public static bool Close(Rational a, Rational b, MathAnswerOptions options)
    {
        if (a == b)
            return true;
        if (options.ExactIntegers && a.IsInteger && b.IsInteger)
            return false;
        var x = a.ToDouble();
        var y = b.ToDouble();
        var diff = Math.Abs(x - y);
        return diff <= Math.Max(options.RelativeTolerance * Math.Max(Math.Abs(x), Math.Abs(y)), options.AbsoluteTolerance);
    }
}
