namespace Pipeline.Stages.Sampling;

/// <summary>
/// Splits a step's rollout total over its slots: every slot starts at min, and each further
/// rollout goes to the slot with the highest weight / (extra so far + 1) that is still below max
/// (D'Hondt), so shares follow the weights, the bounds hold and the sum is exact. Ties go to the
/// lower slot, which keeps the split a pure function of its inputs.
/// </summary>
public static class RolloutApportionment
{
    public static int[] Split(int total, int min, int max, IReadOnlyList<double> weights)
    {
        int n = weights.Count;
        if (total < n * min || total > n * max)
            throw new ArgumentOutOfRangeException(nameof(total), $"{total} rollouts cannot be split over {n} slots of {min}..{max}.");
        var sizes = Enumerable.Repeat(min, n).ToArray();
        // A floor on the weights splits evenly among slots that all look settled instead of starving them.
        var w = weights.Select(x => Math.Max(x, 0) + 1e-6).ToArray();
        for (int left = total - (n * min); left > 0; left--)
        {
            int best = -1;
            double bestQuotient = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                if (sizes[i] >= max) continue;
                double q = w[i] / (sizes[i] - min + 1);
                if (q > bestQuotient)
                {
                    bestQuotient = q;
                    best = i;
                }
            }

            sizes[best]++;
        }

        return sizes;
    }
}
