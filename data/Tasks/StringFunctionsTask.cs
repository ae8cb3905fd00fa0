using System.Globalization;
using Pipeline.Data.Problems;
using Pipeline.Data.Verifiers;

namespace Pipeline.Data.Tasks;

/// <summary>
/// "string_functions": compute a composition f_k(…f_1(s)) of named string functions (the
/// f(g(x)) task of "From f(x) and g(x) to f(g(x))"); "sort" makes sorting one of the skills.
/// Difficulty d composes min(1 + (d−1)/2, 6) functions on a string of 4 + d lowercase letters.
/// Compositions that empty the string are redrawn.
/// </summary>
public sealed class StringFunctionsTask : ITask
{
    public const string TaskName = "string_functions";

    public string Name => TaskName;
    public string VerifierName => ExactAnswerVerifier.DefaultName;
    public int MaxDifficulty => 10;

    public static int Depth(int difficulty) => Math.Min(1 + (difficulty - 1) / 2, 6);
    public static int InputLength(int difficulty) => 4 + difficulty;

    public Problem Generate(ref TaskRandom random, int difficulty, PromptStyle style = PromptStyle.Full)
    {
        var depth = Depth(difficulty);
        var functions = new StringFunction[depth];
        var values = new string[depth + 1];
        for (var attempt = 0; ; attempt++)
        {
            var chars = new char[InputLength(difficulty)];
            for (var i = 0; i < chars.Length; i++)
                chars[i] = (char)('a' + random.Next(26));
            values[0] = new string(chars);
            var ok = true;
            for (var k = 0; k < depth; k++)
            {
                functions[k] = StringFunction.All[random.Next(StringFunction.All.Count)];
                values[k + 1] = functions[k].Apply(values[k]);
                ok &= values[k + 1].Length > 0;
            }
            if (ok || attempt == 31)
                break;
        }
        var call = Call(functions, depth, values[0]);
        var answer = values[depth];
        var steps = Enumerable.Range(0, depth).Select(k => $"{functions[k].Name}(\"{values[k]}\") = \"{values[k + 1]}\"").ToList();
        var definitions = functions.Select(f => f.Name).Distinct().Select(n => StringFunction.All.First(f => f.Name == n))
            .Select(f => $"- {f.Name}(s) {f.Definition}.");
        var hints = new[]
        {
            "Apply the innermost function first and work outward, writing down the string after each step.",
            $"The innermost call is {steps[0][..steps[0].IndexOf(" =", StringComparison.Ordinal)]}.",
            depth > 1 ? "Intermediate strings: " + string.Join("; ", steps.Take(depth - 1)) + "; one function remains." : $"The result has {answer.Length} characters.",
        };
        return new Problem
        {
            Id = ProblemGenerator.IdFor(TaskName, call),
            Prompt = style == PromptStyle.Terse ? $"What is {call}?" :
                     "The functions below act on strings:\n" + string.Join("\n", definitions) +
                     $"\nWhat is {call}? Think step by step inside <think> </think>, then give only the resulting string, without quotes, inside <answer> </answer>.",
            Answer = answer,
            Task = TaskName,
            Difficulty = difficulty,
            Hints = hints,
            Solution = ProblemGenerator.Completion(steps, answer),
            Metadata = new Dictionary<string, string>
            {
                [Problem.VerifierKey] = VerifierName,
                ["functions"] = string.Join(",", functions.Select(f => f.Name)),
                ["input"] = values[0],
                ["depth"] = depth.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    private static string Call(StringFunction[] functions, int depth, string input)
    {
        var s = "\"" + input + "\"";
        for (var k = 0; k < depth; k++)
            s = functions[k].Name + "(" + s + ")";
        return s;
    }
}
