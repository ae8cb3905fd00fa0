using System.Globalization;
using Pipeline.Data.Problems;

namespace Pipeline.Data.Verifiers;

/// <summary>
/// "countdown": the answer is an expression over the problem's numbers (metadata "numbers",
/// comma-separated) whose exact value is the target (metadata "target").
/// </summary>
public sealed class CountdownVerifier : IVerifier
{
    public const string DefaultName = "countdown";
    public const string NumbersKey = "numbers";
    public const string TargetKey = "target";
    private readonly CountdownOptions _options;

    public CountdownVerifier(CountdownOptions? options = null, string name = DefaultName)
    {
        _options = options ?? new CountdownOptions();
        _options.Validate();
        Name = name;
    }

    public string Name { get; }

    public VerifierResult Verify(in VerifyInput input)
    {
        if (!TryReadProblem(input.Problem, out var numbers, out var target, out var problemError))
            return VerifierResult.Of(Name, _options.InvalidScore, problemError);
        var completion = input.Completion ?? string.Empty;
        var found = AnswerExtractor.Extract(completion, _options.Extraction);
        if (!found.Found)
            return VerifierResult.Of(Name, _options.InvalidScore, "no answer found");
        var evaluation = CountdownExpression.Evaluate(found.In(completion), _options, numbers.Length);
        if (!evaluation.Ok)
            return VerifierResult.Of(Name, _options.InvalidScore, $"invalid expression ({found.SourceName}): {evaluation.Error}");
        var usage = CheckNumbers(evaluation.Numbers, numbers, _options.RequireAllNumbers);
        if (usage is not null)
            return VerifierResult.Of(Name, _options.InvalidScore, usage);
        return evaluation.Value == new Rational(target)
            ? VerifierResult.Of(Name, _options.CorrectScore, $"correct ({found.SourceName}): = {target}")
            : VerifierResult.Of(Name, _options.WrongValueScore, $"wrong value ({found.SourceName}): {evaluation.Value} != {target}");
    }

    /// <summary>Null when <paramref name="used"/> is a sub-multiset of <paramref name="given"/> (all of it when required).</summary>
    public static string? CheckNumbers(IReadOnlyList<long> used, long[] given, bool requireAll)
    {
        Span<bool> taken = stackalloc bool[given.Length];
        foreach (var n in used)
        {
            var found = false;
            for (var i = 0; i < given.Length; i++)
            {
                if (!taken[i] && given[i] == n)
                {
                    taken[i] = found = true;
                    break;
                }
            }
            if (!found)
                return given.Contains(n) ? $"number {n} used more often than given" : $"number {n} is not among the given numbers";
        }
        if (requireAll && used.Count != given.Length)
            return $"uses {used.Count} of the {given.Length} numbers; all are required";
        return null;
    }

    public static bool TryReadProblem(Problem problem, out long[] numbers, out long target, out string error)
    {
        numbers = [];
        target = 0;
        error = string.Empty;
        var list = problem.GetMetadata(NumbersKey);
        var t = problem.GetMetadata(TargetKey);
        if (list is null || t is null)
        {
            error = $"problem {problem.Id} lacks countdown metadata '{NumbersKey}' and '{TargetKey}'";
            return false;
        }
        var parts = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 64)
        {
            error = $"problem {problem.Id}: '{NumbersKey}' must list 1 to 64 numbers";
            return false;
        }
        numbers = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                error = $"problem {problem.Id}: '{NumbersKey}' entry '{Text.Snip(parts[i])}' is not a non-negative integer";
                return false;
            }
        }
        if (!long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out target))
        {
            error = $"problem {problem.Id}: '{TargetKey}' '{Text.Snip(t)}' is not an integer";
            return false;
        }
        return true;
    }
}
