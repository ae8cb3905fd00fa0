namespace Pipeline.Data.Tasks;

public sealed class TaskOptions
{
    /// <summary>1 (easiest) to the task's MaxDifficulty.</summary>
    public int Difficulty { get; set; } = 1;

    /// <summary>Seeds generation; different seeds give different problem streams.</summary>
    public ulong Seed { get; set; }

    /// <summary>Fraction of the problem space held out for evaluation, chosen by hashing each problem's id.</summary>
    public double HeldOutFraction { get; set; } = 0.1;

    /// <summary>Seeds the held-out hash; keep it fixed across runs so evaluation problems never reach training.</summary>
    public ulong SplitSeed { get; set; }

    /// <summary>How the prompts are worded; the problems and their ids, hence the split, do not depend on it.</summary>
    public PromptStyle PromptStyle { get; set; } = PromptStyle.Full;

    /// <summary>Draws allowed per requested problem before giving up (a split of a small problem space can run dry).</summary>
    public int MaxDrawsPerProblem { get; set; } = 64;

    public void Validate(ITask task)
    {
        if (Difficulty < 1 || Difficulty > task.MaxDifficulty)
            throw new ArgumentOutOfRangeException(nameof(Difficulty), Difficulty, $"task '{task.Name}' takes difficulty 1 to {task.MaxDifficulty}");
        if (!(HeldOutFraction >= 0 && HeldOutFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(HeldOutFraction), HeldOutFraction, "must lie in [0, 1]");
        if (MaxDrawsPerProblem < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxDrawsPerProblem), MaxDrawsPerProblem, "must be positive");
    }
}
