using System.Globalization;
using System.Numerics;

namespace Pipeline.Data.Verifiers;

/// <summary>
/// An exact fraction over <see cref="BigInteger"/>, always in lowest terms with a positive
/// denominator, so equality is structural. Division by zero is reported, never thrown, because
/// verifiers see it in model output all the time.
/// </summary>
public readonly struct Rational : IEquatable<Rational>, IComparable<Rational>
{
    public BigInteger Numerator { get; }
    public BigInteger Denominator { get; }

    public static readonly Rational Zero = new(BigInteger.Zero, BigInteger.One, normalised: true);
    public static readonly Rational One = new(BigInteger.One, BigInteger.One, normalised: true);

    private Rational(BigInteger numerator, BigInteger denominator, bool normalised)
    {
        _ = normalised;
        Numerator = numerator;
        Denominator = denominator;
    }

    public Rational(BigInteger value) : this(value, BigInteger.One, normalised: true) { }

    public static Rational Create(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
            throw new DivideByZeroException("rational with zero denominator");
        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }
        if (denominator.IsOne)
            return new Rational(numerator, denominator, true);
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        return g.IsOne ? new Rational(numerator, denominator, true) : new Rational(numerator / g, denominator / g, true);
    }

    public bool IsInteger => Denominator.IsOne;
    public int Sign => Numerator.Sign;

    public static Rational operator +(Rational a, Rational b) =>
        a.Denominator.IsOne && b.Denominator.IsOne
            ? new Rational(a.Numerator + b.Numerator)
            : Create(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator -(Rational a, Rational b) =>
        a.Denominator.IsOne && b.Denominator.IsOne
            ? new Rational(a.Numerator - b.Numerator)
            : Create(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator *(Rational a, Rational b) =>
        a.Denominator.IsOne && b.Denominator.IsOne
            ? new Rational(a.Numerator * b.Numerator)
            : Create(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator, true);

    /// <summary>a / b, or false when b is zero.</summary>
    public static bool TryDivide(Rational a, Rational b, out Rational result)
    {
        if (b.Numerator.IsZero)
        {
            result = default;
            return false;
        }
        result = Create(a.Numerator * b.Denominator, a.Denominator * b.Numerator);
        return true;
    }

    public static Rational Pow10(int exponent) =>
        exponent >= 0 ? new Rational(BigInteger.Pow(10, exponent)) : Create(BigInteger.One, BigInteger.Pow(10, -exponent));

    public double ToDouble()
    {
        if (Denominator.IsOne)
            return (double)Numerator;
        var d = (double)Numerator / (double)Denominator;
        if (double.IsFinite(d) && d != 0)
            return d;
        // Both parts beyond double range (or a tiny quotient): scale them down together first.
        var shift = Math.Max(0L, Math.Max((long)Numerator.GetBitLength(), (long)Denominator.GetBitLength()) - 1000);
        return (double)(Numerator >> (int)shift) / (double)(Denominator >> (int)shift);
    }

    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;
    public override bool Equals(object? obj) => obj is Rational r && Equals(r);
    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);
    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);
    public static bool operator ==(Rational a, Rational b) => a.Equals(b);
    public static bool operator !=(Rational a, Rational b) => !a.Equals(b);
    public static bool operator <(Rational a, Rational b) => a.CompareTo(b) < 0;
    public static bool operator >(Rational a, Rational b) => a.CompareTo(b) > 0;
    public static bool operator <=(Rational a, Rational b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Rational a, Rational b) => a.CompareTo(b) >= 0;

    public override string ToString() =>
        Denominator.IsOne
            ? Numerator.ToString(CultureInfo.InvariantCulture)
            : Numerator.ToString(CultureInfo.InvariantCulture) + "/" + Denominator.ToString(CultureInfo.InvariantCulture);
}
