using Pipeline.Stages.Graph;

namespace Pipeline.Stages.Sampling;

/// <summary>
/// Per-prompt statistics as a sampler sees them. Records arrive in an order that depends on
/// timing, so a record for step t is held back until a draw for a later step asks: a draw for
/// step t then sees exactly the records of steps before t, in sync mode the same set in every
/// run and after a resume, which keeps sampling decisions reproducible.
/// </summary>
public sealed class PromptStatisticsBook
{
    private readonly Dictionary<string, PromptStatistics> _committed = new(StringComparer.Ordinal);
    private readonly List<(string Id, int Attempts, int Successes, long Step, long Tokens)> _pending = [];
    private readonly Lock _lock = new();

    public void Record(string promptId, int attempts, int successes, long step, long completionTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempts);
        if (successes < 0 || successes > attempts)
            throw new ArgumentOutOfRangeException(nameof(successes), $"successes {successes} must lie in 0..attempts ({attempts}).");
        lock (_lock) _pending.Add((promptId, attempts, successes, step, completionTokens));
    }

    /// <summary>The statistics of every record for a step before <paramref name="step"/>.</summary>
    public IReadOnlyDictionary<string, PromptStatistics> Before(long step)
    {
        lock (_lock)
        {
            // Folding in step order keeps LastStep and the sums independent of arrival order.
            var ready = _pending.Where(p => p.Step < step).OrderBy(p => p.Step).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
            if (ready.Count > 0)
            {
                foreach (var p in ready) Fold(_committed, p);
                _pending.RemoveAll(p => p.Step < step);
            }

            return new Dictionary<string, PromptStatistics>(_committed, StringComparer.Ordinal);
        }
    }

    /// <summary>Everything recorded so far, held-back records included (what a checkpoint saves).</summary>
    public IReadOnlyDictionary<string, PromptStatistics> All
    {
        get
        {
            lock (_lock)
            {
                var all = new Dictionary<string, PromptStatistics>(_committed, StringComparer.Ordinal);
                foreach (var p in _pending.OrderBy(p => p.Step).ThenBy(p => p.Id, StringComparer.Ordinal)) Fold(all, p);
                return all;
            }
        }
    }

    /// <summary>Everything recorded for steps up to <paramref name="step"/>.</summary>
    public IReadOnlyDictionary<string, PromptStatistics> Through(long step)
    {
        lock (_lock)
        {
            var all = new Dictionary<string, PromptStatistics>(_committed, StringComparer.Ordinal);
            foreach (var p in _pending.Where(p => p.Step <= step).OrderBy(p => p.Step).ThenBy(p => p.Id, StringComparer.Ordinal)) Fold(all, p);
            return all;
        }
    }

    public void Restore(IReadOnlyDictionary<string, PromptStatistics> statistics)
    {
        lock (_lock)
        {
            _committed.Clear();
            _pending.Clear();
            foreach (var (k, v) in statistics) _committed[k] = v;
        }
    }

    private static void Fold(Dictionary<string, PromptStatistics> into, (string Id, int Attempts, int Successes, long Step, long Tokens) p)
    {
        into.TryGetValue(p.Id, out var s);
        into[p.Id] = (s ?? new PromptStatistics(0, 0, 0)).Add(p.Attempts, p.Successes, p.Step, p.Tokens);
    }
}
