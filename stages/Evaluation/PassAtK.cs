namespace Pipeline.Stages.Evaluation;

/// <summary>
/// Evaluation estimators over n samples per problem. pass@k is the unbiased estimator of Chen et
/// al. 2021 (Codex): 1 - C(n - c, k) / C(n, k), the chance that k of the n samples, drawn without
/// replacement, contain a correct one; computed as a product so large n does not overflow.
/// </summary>
public static class PassAtK
{
    public static double Estimate(int n, int correct, int k)
    {
        if (n < 1 || k < 1 || k > n || correct < 0 || correct > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"pass@k needs 1 <= k <= n and 0 <= c <= n (n={n}, c={correct}, k={k}).");
        }

        if (n - correct < k)
        {
            return 1.0;
        }

        double allWrong = 1;
        for (var i = n - correct + 1; i <= n; i++)
        {
            allWrong *= 1 - (k / (double)i);
        }

        return 1 - allWrong;
    }

    /// <summary>
    /// maj@k over the first k samples: the most frequent answer wins (ties go to the answer seen
    /// first); the problem counts as solved when that answer is correct. Samples with no answer
    /// (null) do not vote.
    /// </summary>
    public static bool MajorityCorrect(IReadOnlyList<string?> answers, IReadOnlyList<bool> correct, int k)
    {
        if (answers.Count != correct.Count || k < 1 || k > answers.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"maj@k needs 1 <= k <= n and one verdict per answer (k={k}, answers={answers.Count}, verdicts={correct.Count}).");
        }

        var votes = new Dictionary<string, (int Count, int First)>(StringComparer.Ordinal);
        for (var i = 0; i < k; i++)
        {
            if (answers[i] is { } answer)
            {
                votes[answer] = votes.TryGetValue(answer, out var v) ? (v.Count + 1, v.First) : (1, i);
            }
        }

        if (votes.Count == 0)
        {
            return false;
        }

        var winner = votes.OrderByDescending(p => p.Value.Count).ThenBy(p => p.Value.First).First();
        return correct[winner.Value.First];
    }
}
