using Pipeline.Data.Problems;

namespace Pipeline.Stages.Graph;

/// <summary>What the run has seen of one prompt.</summary>
/// <param name="CompletionTokens">Tokens of every completion recorded; optional so checkpoints written before it load (as 0).</param>
public sealed record PromptStatistics(int Attempts, int Successes, long LastStep, long CompletionTokens = 0)
{
    public double PassRate => Attempts == 0 ? 0 : Successes / (double)Attempts;

    public double MeanCompletionLength => Attempts == 0 ? 0 : CompletionTokens / (double)Attempts;

    public PromptStatistics Add(int attempts, int successes, long step, long completionTokens) =>
        new(Attempts + attempts, Successes + successes, Math.Max(step, LastStep), CompletionTokens + completionTokens);
}

/// <summary>
/// Chooses prompts. <see cref="Next"/> is called with a draw number unique in the run and stable
/// across resume, and the step it fills, so samplers can be pure functions of the seed, the draw
/// and the statistics of earlier steps; <see cref="Record"/> is the feedback edge from
/// Group+Filter (pass rates, lengths). Implementations are thread-safe.
/// </summary>
public interface IPromptSampler
{
    string Name { get; }

    Problem Next(long draw, long step);

    /// <summary>Completions for this draw's group, given the configured group size.</summary>
    int GroupSize(Problem problem, long step, int configured) => configured;

    /// <summary>
    /// Group sizes for every slot of a step, from the prompts its first attempts draw, when the
    /// sampler splits a fixed per-step rollout total; null when each draw sizes its own group.
    /// A replacement keeps its slot's size, so the step's trained rows add up to that total.
    /// </summary>
    IReadOnlyList<int>? SlotGroupSizes(IReadOnlyList<Problem> slots, long step, int configured) => null;

    void Record(string promptId, int attempts, int successes, long step, long completionTokens);

    IReadOnlyDictionary<string, PromptStatistics> Statistics { get; }

    /// <summary>
    /// The statistics of steps up to <paramref name="step"/>: what a checkpoint of that step saves,
    /// so groups already generated for later steps cannot leak into the resumed run's draws.
    /// </summary>
    IReadOnlyDictionary<string, PromptStatistics> StatisticsThrough(long step) => Statistics;

    void Restore(IReadOnlyDictionary<string, PromptStatistics> statistics);
}
