using Pipeline.Data.Problems;

namespace Pipeline.Data.Tasks;

/// <summary>
/// A generated task. <see cref="Generate"/> must be a pure function of the random stream and the
/// difficulty, and must give problems whose id is derived from their content (the same problem
/// always has the same id, so the id-hashed held-out split never leaks into training).
/// </summary>
public interface ITask
{
    /// <summary>The stable config name; also <see cref="Problem.Task"/> of every problem made.</summary>
    string Name { get; }

    /// <summary>The verifier registry name that checks this task's answers.</summary>
    string VerifierName { get; }

    /// <summary>Difficulty runs from 1 to this value.</summary>
    int MaxDifficulty { get; }

    /// <param name="style">How much the prompt says beyond the question itself; the problem (and its id) is the same either way.</param>
    Problem Generate(ref TaskRandom random, int difficulty, PromptStyle style = PromptStyle.Full);
}
