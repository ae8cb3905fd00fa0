using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Pipeline.Data.Verifiers;

namespace Pipeline.Tests.Data.Verifiers;

public class RationalTests
{
    // Reference: unreduced fractions compared by cross-multiplication, the textbook definition.
    private static bool SameValue(Rational r, BigInteger num, BigInteger den) => r.Numerator * den == num * r.Denominator;

    private static bool Reduced(Rational r) => r.Denominator.Sign > 0 && BigInteger.GreatestCommonDivisor(r.Numerator, r.Denominator).IsOne;

    [Fact]
    public void ArithmeticMatchesCrossMultiplicationReference()
    {
        Prop.ForAll<(int, int, int, int)>(t =>
        {
            var (a, b, c, d) = t;
            if (b == 0 || d == 0)
                return true;
            var x = Rational.Create(a, b);
            var y = Rational.Create(c, d);
            BigInteger A = a, B = b, C = c, D = d;
            var ok = SameValue(x + y, A * D + C * B, B * D)
                     && SameValue(x - y, A * D - C * B, B * D)
                     && SameValue(x * y, A * C, B * D)
                     && Reduced(x + y) && Reduced(x * y) && Reduced(x - y);
            if (c != 0)
                ok &= Rational.TryDivide(x, y, out var q) && SameValue(q, A * D, B * C) && Reduced(q);
            else
                ok &= !Rational.TryDivide(x, y, out _);
            ok &= (x.CompareTo(y) < 0) == ((double)a / b < (double)c / d) || (double)a / b == (double)c / d;
            return ok;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void NormalisesSignAndTerms()
    {
        var r = Rational.Create(6, -4);
        Assert.Equal(new BigInteger(-3), r.Numerator);
        Assert.Equal(new BigInteger(2), r.Denominator);
        Assert.Equal("-3/2", r.ToString());
        Assert.Equal(Rational.Create(1, 2), Rational.Create(50, 100));
        Assert.Throws<DivideByZeroException>(() => Rational.Create(1, 0));
    }

    [Fact]
    public void ToDoubleHandlesHugeParts()
    {
        var big = BigInteger.Pow(10, 400);
        Assert.Equal(0.5, Rational.Create(big, big * 2).ToDouble(), 12);
        Assert.Equal(1e-3, Rational.Pow10(-3).ToDouble(), 15);
        Assert.Equal(-2.5, Rational.Create(-5, 2).ToDouble());
    }
}
