using System.Globalization;
using Pipeline.Data.Problems;
using Pipeline.Data.Verifiers;

namespace Pipeline.Data.Tasks;

/// <summary>
/// "countdown": reach a target from a few numbers with + − × ÷. Solvable by construction: the
/// generator combines the drawn numbers at random (keeping every intermediate a positive integer,
/// as the game does) and the final value becomes the target, so the kept expression is a
/// solution that uses every number exactly once. Difficulty d draws min(3 + (d−1)/2, 6) numbers
/// from 1 to 10 + 10·d.
/// </summary>
public sealed class CountdownTask : ITask
{
    public const string TaskName = "countdown";
    private const int MaxTarget = 1000;

    public string Name => TaskName;
    public string VerifierName => CountdownVerifier.DefaultName;
    public int MaxDifficulty => 10;

    public static int NumberCount(int difficulty) => Math.Min(3 + (difficulty - 1) / 2, 6);
    public static int MaxNumber(int difficulty) => 10 + 10 * difficulty;

    private readonly record struct Node(long Value, string Expression, bool IsLeaf);

    public Problem Generate(ref TaskRandom random, int difficulty, PromptStyle style = PromptStyle.Full)
    {
        var count = NumberCount(difficulty);
        var numbers = new long[count];
        Node result = default;
        List<string> steps = [];
        // A draw that ends on a trivial target (out of range, or one of the numbers) is redrawn;
        // the bound keeps generation finite, and the last draw is kept if all were trivial.
        for (var attempt = 0; attempt < 32; attempt++)
        {
            for (var i = 0; i < count; i++)
                numbers[i] = random.Next(1, MaxNumber(difficulty));
            (result, steps) = Combine(ref random, numbers);
            if (result.Value is >= 1 and <= MaxTarget && Array.IndexOf(numbers, result.Value) < 0)
                break;
        }
        var target = result.Value;
        var list = string.Join(", ", numbers);
        var sorted = string.Join(",", numbers.Order());
        var last = steps[^1];
        var hints = new[]
        {
            $"Look for a product or sum of two numbers near {target}, then close the gap with the rest; intermediate results must stay whole numbers.",
            $"The last step of one solution is {last[..last.IndexOf(" =", StringComparison.Ordinal)]}.",
            steps.Count > 1 ? "Steps of one solution: " + string.Join("; ", steps.Take(steps.Count - 1)) + "; one step remains." : $"One solution: {last}.",
        };
        return new Problem
        {
            Id = ProblemGenerator.IdFor(TaskName, sorted + "=" + target.ToString(CultureInfo.InvariantCulture)),
            Prompt = style == PromptStyle.Terse ? $"Make {target} from [{list}]." :
                     $"Using the numbers [{list}], create an expression that equals {target}. " +
                     "You may use +, -, * and / with parentheses, and each number at most once. " +
                     "Think step by step inside <think> </think>, then give only the expression inside <answer> </answer>, for example <answer>(1 + 2) * 3</answer>.",
            Answer = result.Expression,
            Task = TaskName,
            Difficulty = difficulty,
            Hints = hints,
            Solution = ProblemGenerator.Completion(steps, result.Expression),
            Metadata = new Dictionary<string, string>
            {
                [Problem.VerifierKey] = VerifierName,
                [CountdownVerifier.NumbersKey] = string.Join(",", numbers),
                [CountdownVerifier.TargetKey] = target.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    private static (Node Result, List<string> Steps) Combine(ref TaskRandom random, long[] numbers)
    {
        var pool = numbers.Select(n => new Node(n, n.ToString(CultureInfo.InvariantCulture), true)).ToList();
        var steps = new List<string>();
        Span<char> ops = stackalloc char[4];
        while (pool.Count > 1)
        {
            var a = Take(ref random, pool);
            var b = Take(ref random, pool);
            if (a.Value < b.Value)
                (a, b) = (b, a);
            // Allowed operations for this pair: a − b only when positive, a ÷ b only when exact and not by 1.
            var n = 0;
            ops[n++] = '+';
            if (b.Value != 1)
                ops[n++] = '*';
            if (a.Value > b.Value)
                ops[n++] = '-';
            if (b.Value > 1 && a.Value % b.Value == 0)
                ops[n++] = '/';
            var op = ops[random.Next(n)];
            var value = op switch
            {
                '+' => a.Value + b.Value,
                '-' => a.Value - b.Value,
                '*' => a.Value * b.Value,
                _ => a.Value / b.Value,
            };
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"{a.Value} {op} {b.Value} = {value}"));
            pool.Add(new Node(value, $"{Wrap(a)} {op} {Wrap(b)}", false));
        }
        return (pool[0], steps);
    }

    private static string Wrap(Node n) => n.IsLeaf ? n.Expression : "(" + n.Expression + ")";

    private static Node Take(ref TaskRandom random, List<Node> pool)
    {
        var i = random.Next(pool.Count);
        var node = pool[i];
        pool.RemoveAt(i);
        return node;
    }
}
