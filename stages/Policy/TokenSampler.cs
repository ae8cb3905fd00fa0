namespace Pipeline.Stages.Policy;

/// <summary>
/// Draws one token from a row of log-probs with top-k and top-p truncation, on the CPU with a
/// SplitMix64 stream so that a seed fixes the draw independently of libtorch's generators.
/// </summary>
public static class TokenSampler
{
    public static int Sample(ReadOnlySpan<float> logProbs, int topK, double topP, ref ulong state)
    {
        int n = logProbs.Length;
        double u = (Next(ref state) >> 11) * (1.0 / (1UL << 53));
        if (topK <= 0 && topP >= 1.0)
        {
            double acc = 0;
            for (int i = 0; i < n; i++)
            {
                acc += Math.Exp(logProbs[i]);
                if (u < acc) return i;
            }
            return Argmax(logProbs);
        }

        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = logProbs.ToArray();
        Array.Sort(keys, order);
        Array.Reverse(order);
        int keep = topK > 0 ? Math.Min(topK, n) : n;
        double mass = 0;
        int kept = 0;
        for (; kept < keep; kept++)
        {
            mass += Math.Exp(logProbs[order[kept]]);
            if (mass >= topP) { kept++; break; }
        }
        double target = u * mass, sum = 0;
        for (int i = 0; i < kept; i++)
        {
            sum += Math.Exp(logProbs[order[i]]);
            if (target < sum) return order[i];
        }
        return order[0];
    }

    /// <summary>Fisher–Yates over <paramref name="order"/>, drawing from <paramref name="state"/>.</summary>
    public static void Shuffle(int[] order, ref ulong state)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)(Next(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    public static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The stream of row <paramref name="row"/> of a request seeded with <paramref name="seed"/>.</summary>
    public static ulong RowState(ulong seed, int row)
    {
        ulong s = seed ^ ((ulong)(row + 1) * 0xD1B54A32D192ED03UL);
        return Next(ref s);
    }

    private static int Argmax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
