namespace Pipeline.Cli.Configuration;

/// <summary>Picks the valid name a misspelt key most likely meant (edit distance, ties to the first).</summary>
public static class ClosestName
{
    /// <summary>The closest candidate, or null when none is near enough to be a plausible typo.</summary>
    public static string? Find(string wrong, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int d = Distance(wrong, candidate);
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        // Beyond half the word a suggestion is noise rather than help.
        return best is not null && bestDistance <= Math.Max(2, wrong.Length / 2) ? best : null;
    }

    /// <summary>Damerau-Levenshtein (optimal string alignment): a swap of two letters costs 1, the commonest typo.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
