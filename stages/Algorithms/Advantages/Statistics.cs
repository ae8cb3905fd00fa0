namespace Pipeline.Stages.Algorithms.Advantages;

/// <summary>Mean and unbiased (n - 1) standard deviation, as torch.mean / torch.std compute them.</summary>
internal static class Statistics
{
    public static double Mean(IEnumerable<double> values)
    {
        double sum = 0;
        var n = 0;
        foreach (var v in values)
        {
            sum += v;
            n++;
        }

        return n == 0 ? 0 : sum / n;
    }

    public static double UnbiasedStd(IReadOnlyCollection<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = Mean(values);
        var ss = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(ss / (values.Count - 1));
    }
}
