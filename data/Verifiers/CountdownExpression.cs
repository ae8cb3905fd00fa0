namespace Pipeline.Data.Verifiers;

/// <summary>The value of a Countdown expression and the numbers it used, or why it is not one.</summary>
public readonly record struct CountdownEvaluation(bool Ok, Rational Value, IReadOnlyList<long> Numbers, string Error);

/// <summary>
/// Our own parser for Countdown answers: non-negative integer literals, + − * / (also × ÷),
/// parentheses; no unary minus, no other symbols. Evaluated exactly over rationals while parsing,
/// with depth, length and literal-size caps so that no input makes it recurse or work unboundedly.
/// A trailing "= 24" is ignored: models often restate the target.
/// </summary>
public static class CountdownExpression
{
    public static CountdownEvaluation Evaluate(ReadOnlySpan<char> text, CountdownOptions options, int maxNumbers = int.MaxValue)
    {
        var eq = text.IndexOf('=');
        if (eq >= 0)
            text = text[..eq];
        text = text.Trim();
        if (text.Length == 0)
            return Fail("empty expression");
        if (text.Length > options.MaxExpressionChars)
            return Fail($"expression longer than {options.MaxExpressionChars} chars");
        var parser = new Parser(text, options, maxNumbers);
        var ok = parser.TryExpression(0, out var value);
        if (ok && parser.SkipSpaces() < text.Length)
        {
            ok = false;
            parser.Error ??= $"unexpected '{Text.Snip(text.Slice(parser.Position, 1))}' at {parser.Position}";
        }
        return ok
            ? new CountdownEvaluation(true, value, parser.Numbers, string.Empty)
            : new CountdownEvaluation(false, default, parser.Numbers, parser.Error ?? "invalid expression");
    }

    private static CountdownEvaluation Fail(string error) => new(false, default, [], error);

    private ref struct Parser(ReadOnlySpan<char> s, CountdownOptions options, int maxNumbers)
    {
        private readonly ReadOnlySpan<char> _s = s;
        public int Position;
        public string? Error;
        public List<long> Numbers = [];

        public int SkipSpaces()
        {
            while (Position < _s.Length && char.IsWhiteSpace(_s[Position]))
                Position++;
            return Position;
        }

        private char Peek() => SkipSpaces() < _s.Length ? _s[Position] : '\0';

        public bool TryExpression(int depth, out Rational value)
        {
            if (!TryTerm(depth, out value))
                return false;
            while (true)
            {
                var c = Peek();
                if (c is not ('+' or '-' or '\u2212'))
                    return true;
                Position++;
                if (!TryTerm(depth, out var right))
                    return false;
                value = c == '+' ? value + right : value - right;
            }
        }

        private bool TryTerm(int depth, out Rational value)
        {
            if (!TryFactor(depth, out value))
                return false;
            while (true)
            {
                var c = Peek();
                if (c is not ('*' or '/' or '×' or '÷' or '·'))
                    return true;
                Position++;
                if (!TryFactor(depth, out var right))
                    return false;
                if (c is '/' or '÷')
                {
                    if (!Rational.TryDivide(value, right, out value))
                        return Set("division by zero");
                }
                else
                {
                    value *= right;
                }
            }
        }

        private bool TryFactor(int depth, out Rational value)
        {
            value = default;
            var c = Peek();
            if (c == '(')
            {
                if (depth >= options.MaxDepth)
                    return Set($"nesting deeper than {options.MaxDepth}");
                Position++;
                if (!TryExpression(depth + 1, out value))
                    return false;
                if (Peek() != ')')
                    return Set($"missing ')' at {Position}");
                Position++;
                return true;
            }
            if (char.IsAsciiDigit(c))
            {
                var start = Position;
                while (Position < _s.Length && char.IsAsciiDigit(_s[Position]))
                    Position++;
                if (Position - start > options.MaxNumberDigits)
                    return Set($"number with more than {options.MaxNumberDigits} digits");
                if (Position < _s.Length && _s[Position] == '.')
                    return Set("decimal numbers are not allowed");
                long n = 0;
                foreach (var d in _s[start..Position])
                    n = n * 10 + (d - '0');
                if (Numbers.Count >= maxNumbers)
                    return Set($"uses more than the {maxNumbers} numbers given");
                Numbers.Add(n);
                value = new Rational(n);
                return true;
            }
            if (c is '-' or '\u2212')
                return Set("unary minus is not allowed");
            return c == '\0'
                ? Set("expression ends early")
                : Set($"unexpected '{Text.Snip(_s.Slice(Position, 1))}' at {Position}");
        }

        private bool Set(string error)
        {
            Error ??= error;
            return false;
        }
    }
}
