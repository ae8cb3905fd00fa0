using Pipeline.Data.Problems;

namespace Pipeline.Stages.Sampling;

/// <summary>
/// "Edge of competence": draws uniformly among prompts whose posterior mean pass rate lies in
/// [window_low, window_high]. With chance <c>explore</c>, or when no seen prompt is in the window,
/// it tries an unseen prompt instead; when neither exists it takes the prompts closest to the
/// window, so a run never stalls on a pool that is all solved or all failed.
/// </summary>
public sealed class PassRateWindowSampler(IReadOnlyList<Problem> pool, ulong seed, SamplerOptions options)
    : PromptSamplerBase(pool, seed, options)
{
    public override string Name => "pass_rate_window";

    public override Problem Next(long draw, long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draw);
        var stats = Book.Before(step);
        var unseen = new List<Problem>();
        var inWindow = new List<Problem>();
        foreach (var p in Pool)
        {
            if (!stats.TryGetValue(p.Id, out var s) || s.Attempts == 0)
            {
                unseen.Add(p);
                continue;
            }

            double mean = Prior.Mean(s);
            if (mean >= Options.WindowLow && mean <= Options.WindowHigh) inWindow.Add(p);
        }

        if (unseen.Count > 0 && (inWindow.Count == 0 || Uniform(draw, 0) < Options.Explore)) return Pick(unseen, draw);
        if (inWindow.Count > 0) return Pick(inWindow, draw);

        double Distance(Problem p)
        {
            double m = Prior.Mean(stats[p.Id]);
            return m < Options.WindowLow ? Options.WindowLow - m : m - Options.WindowHigh;
        }

        double nearest = Pool.Min(Distance);
        return Pick([.. Pool.Where(p => Distance(p) <= nearest + 1e-12)], draw);
    }

    private Problem Pick(List<Problem> candidates, long draw) =>
        candidates[Math.Min(candidates.Count - 1, (int)(Uniform(draw, 1) * candidates.Count))];
}
