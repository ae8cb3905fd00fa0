using System.Globalization;
using System.Numerics;
using System.Text;
using Pipeline.Data.Problems;
using Pipeline.Data.Verifiers;

namespace Pipeline.Data.Tasks;

/// <summary>
/// "arithmetic": multi-digit addition and multiplication, in chains at higher difficulty.
/// Difficulty d gives operands of up to d+1 digits and 1 + (d−1)/3 operations; subtraction joins
/// the chains from d = 4. Chains are left-associative and written with explicit parentheses, so
/// no precedence knowledge is tested by accident.
/// "addition" is the same generator with + only: the skill a model of a few hundred thousand
/// parameters acquires in minutes on a CPU, which is what the demo needs. Its reference working
/// adds column by column from the right before stating each sum (a scratchpad, as in Nye et al.
/// 2021): a small model learns ten-by-ten digit facts and a carry far more reliably than whole
/// two-digit sums in one step.
/// </summary>
public sealed class ArithmeticTask(string name = ArithmeticTask.TaskName, bool additionOnly = false) : ITask
{
    public const string TaskName = "arithmetic";
    public const string AdditionName = "addition";

    public static ArithmeticTask Addition() => new(AdditionName, additionOnly: true);

    public string Name => name;
    public string VerifierName => MathAnswerVerifier.DefaultName;
    public int MaxDifficulty => 10;

    public static int Digits(int difficulty) => difficulty + 1;
    public static int Operations(int difficulty) => 1 + (difficulty - 1) / 3;

    public Problem Generate(ref TaskRandom random, int difficulty, PromptStyle style = PromptStyle.Full)
    {
        var digits = Digits(difficulty);
        var ops = Operations(difficulty);
        var operators = additionOnly ? "+" : difficulty >= 4 ? "+-*" : "+*";
        var value = Operand(ref random, digits);
        var expression = value.ToString(CultureInfo.InvariantCulture);
        var steps = new List<string>(ops);
        for (var k = 0; k < ops; k++)
        {
            var op = operators[random.Next(operators.Length)];
            var operand = Operand(ref random, digits);
            var left = value;
            value = op switch
            {
                '+' => left + operand,
                '-' => left - operand,
                _ => left * operand,
            };
            var o = operand.ToString(CultureInfo.InvariantCulture);
            expression = (k == 0 ? expression : "(" + expression + ")") + " " + op + " " + o;
            if (additionOnly)
                steps.AddRange(Columns(left, operand));
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"{left} {op} {o} = {value}"));
        }
        var answer = value.ToString(CultureInfo.InvariantCulture);
        var hints = new[]
        {
            "Work from the innermost parentheses outward, one operation at a time; add and multiply digit by digit from the right, carrying as you go.",
            ops == 1 ? $"Line the numbers up by place value: {Describe(steps[0])}." : $"Start with the innermost operation: {steps[0][..steps[0].IndexOf(" =", StringComparison.Ordinal)]}.",
            ops == 1 ? $"Partial work: {PartialHint(steps[0])}" : "Intermediate results: " + string.Join("; ", steps.Take(ops - 1)) + "; one operation remains.",
        };
        return new Problem
        {
            Id = ProblemGenerator.IdFor(name, expression),
            Prompt = style == PromptStyle.Terse ? $"Compute {expression}." : $"Compute {expression}. {ProblemGenerator.FormatInstruction}",
            Answer = answer,
            Task = name,
            Difficulty = difficulty,
            Hints = hints,
            Solution = ProblemGenerator.Completion(steps, answer),
            Metadata = new Dictionary<string, string>
            {
                [Problem.VerifierKey] = VerifierName,
                ["expression"] = expression,
                ["operations"] = ops.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>
    /// One line per column of <paramref name="left"/> + <paramref name="right"/>, units first:
    /// "7 + 8 = 15", then "4 + 3 + 1 = 8" when a carry comes in; a missing digit is written 0.
    /// </summary>
    public static IReadOnlyList<string> Columns(BigInteger left, BigInteger right)
    {
        if (left.Sign < 0 || right.Sign < 0) throw new ArgumentOutOfRangeException(nameof(left), "column working is for non-negative operands");
        var a = left.ToString(CultureInfo.InvariantCulture);
        var b = right.ToString(CultureInfo.InvariantCulture);
        var lines = new List<string>(Math.Max(a.Length, b.Length));
        var carry = 0;
        for (var k = 0; k < Math.Max(a.Length, b.Length); k++)
        {
            var x = k < a.Length ? a[^(k + 1)] - '0' : 0;
            var y = k < b.Length ? b[^(k + 1)] - '0' : 0;
            var sum = x + y + carry;
            lines.Add(carry > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{x} + {y} + {carry} = {sum}")
                : string.Create(CultureInfo.InvariantCulture, $"{x} + {y} = {sum}"));
            carry = sum / 10;
        }

        return lines;
    }

    private static BigInteger Operand(ref TaskRandom random, int maxDigits)
    {
        // Mostly full-width operands, sometimes one digit shorter, never with a leading zero.
        var digits = Math.Max(1, maxDigits - random.Next(2));
        var sb = new StringBuilder(digits);
        sb.Append((char)('1' + random.Next(9)));
        for (var i = 1; i < digits; i++)
            sb.Append((char)('0' + random.Next(10)));
        return BigInteger.Parse(sb.ToString(), CultureInfo.InvariantCulture);
    }

    private static string Describe(string step)
    {
        var eq = step.IndexOf(" =", StringComparison.Ordinal);
        return "compute " + step[..eq];
    }

    // For a single operation the most concrete hint short of the answer is its leading digits.
    private static string PartialHint(string step)
    {
        var result = step[(step.IndexOf("= ", StringComparison.Ordinal) + 2)..];
        var shown = Math.Max(1, result.Length / 2);
        return $"the result has {result.TrimStart('-').Length} digits and begins with {result[..shown]}.";
    }
}
