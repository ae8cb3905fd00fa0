using Pipeline.Data.Problems;

namespace Pipeline.Data.Tasks;

/// <summary>Draws distinct problems of one split from a task, deterministically from the options.</summary>
public static class ProblemGenerator
{
    public static IReadOnlyList<Problem> Generate(ITask task, TaskOptions options, ProblemSplit split, int count)
    {
        options.Validate(task);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var problems = new List<Problem>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var maxDraws = (long)count * options.MaxDrawsPerProblem + 16;
        for (long index = 0; problems.Count < count; index++)
        {
            if (index >= maxDraws)
                throw new InvalidOperationException(
                    $"task '{task.Name}' at difficulty {options.Difficulty} gave only {problems.Count} distinct {split} problems in {maxDraws} draws " +
                    $"(asked for {count}); raise the difficulty, ask for fewer, or change HeldOutFraction ({options.HeldOutFraction})");
            var random = TaskRandom.ForIndex(options.Seed, options.Difficulty, index);
            var problem = task.Generate(ref random, options.Difficulty, options.PromptStyle);
            if (ProblemSplitter.Assign(problem.Id, options.HeldOutFraction, options.SplitSeed) == split && seen.Add(problem.Id))
                problems.Add(problem);
        }
        return problems;
    }

    /// <summary>Content id: task name and a stable hash of the problem's canonical key.</summary>
    public static string IdFor(string task, string canonicalKey) => task + "-" + StableHash.Hex(StableHash.Of(canonicalKey, 0));

    /// <summary>The reference completion format every built-in task uses.</summary>
    public static string Completion(IEnumerable<string> thinking, string answer) =>
        "<think>\n" + string.Join("\n", thinking) + "\n</think>\n<answer>" + answer + "</answer>";

    public const string FormatInstruction =
        "Think step by step inside <think> </think>, then give only the final answer inside <answer> </answer>.";
}
