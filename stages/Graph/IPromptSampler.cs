using Pipeline.Data.Problems;

namespace Pipeline.Stages.Graph;

/// <summary>What the run has seen of one prompt.</summary>
public sealed record PromptStatistics(int Attempts, int Successes, long LastStep)
{
    public double PassRate => Attempts == 0 ? 0 : Successes / (double)Attempts;
}

/// <summary>
/// Chooses prompts. <see cref="Next"/> is called with a draw number unique in the run and stable
/// across resume, so samplers can be pure functions of it; <see cref="Record"/> is the feedback
/// edge from Group+Filter (pass rates). Implementations are thread-safe.
/// </summary>
public interface IPromptSampler
{
    string Name { get; }

    Problem Next(long draw);

    void Record(string promptId, int attempts, int successes, long step);

    IReadOnlyDictionary<string, PromptStatistics> Statistics { get; }

    void Restore(IReadOnlyDictionary<string, PromptStatistics> statistics);
}
