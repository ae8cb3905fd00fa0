using Pipeline.Stages.Algorithms.Losses;

namespace Pipeline.Tests.Stages.Algorithms.Reference;

/// <summary>
/// Slow, loop-by-loop PPO-family losses with hand-derived gradients: the obviously correct
/// reference the Torch losses are tested against. Masked positions (t >= length) weigh nothing.
/// Where autograd splits a gradient between tied arguments of max/min, so does this.
/// </summary>
internal static class ReferencePolicyLoss
{
    public sealed record Result(double Loss, double[][] Grad, double ClipFrac, double ClipFracLower, double PpoKl);

    public static Result Vanilla(double[][] oldLogp, double[][] logp, double[][] adv, int[] lengths,
        double clipLow, double clipHigh, double clipC, LossAggregation agg)
    {
        var (tokenLoss, tokenGrad) = Map(logp, lengths, (i, t) =>
        {
            var x = logp[i][t] - oldLogp[i][t];
            var xc = Math.Clamp(x, -20, 20);
            var r = Math.Exp(xc);
            var dr = x is >= -20 and <= 20 ? r : 0;
            var a = adv[i][t];
            var rc = Math.Clamp(r, 1 - clipLow, 1 + clipHigh);
            var drc = r >= 1 - clipLow && r <= 1 + clipHigh ? 1.0 : 0.0;
            var l1 = -a * r;
            var l2 = -a * rc;
            var (c1, dc1) = Max(l1, -a * dr, l2, -a * drc * dr);
            if (a >= 0)
            {
                return (c1, dc1);
            }

            var l3 = -a * clipC;
            return Min(l3, 0, c1, dc1);
        });
        var clipfrac = MaskedMean(lengths, (i, t) =>
        {
            var r = Math.Exp(Math.Clamp(logp[i][t] - oldLogp[i][t], -20, 20));
            return -adv[i][t] * Math.Clamp(r, 1 - clipLow, 1 + clipHigh) > -adv[i][t] * r ? 1 : 0;
        });
        var clipfracLower = MaskedMean(lengths, (i, t) =>
        {
            var a = adv[i][t];
            var r = Math.Exp(Math.Clamp(logp[i][t] - oldLogp[i][t], -20, 20));
            var c1 = Math.Max(-a * r, -a * Math.Clamp(r, 1 - clipLow, 1 + clipHigh));
            return c1 > -a * clipC && a < 0 ? 1 : 0;
        });
        return Aggregate(tokenLoss, tokenGrad, lengths, logp[0].Length, agg, clipfrac, clipfracLower, PpoKl(oldLogp, logp, lengths));
    }

    /// <summary>GSPO (Zheng et al. 2025): one length-normalised ratio per sequence, seq-mean-token-mean.</summary>
    public static Result Gspo(double[][] oldLogp, double[][] logp, double[][] adv, int[] lengths, double clipLow, double clipHigh)
    {
        var seqLogRatio = new double[lengths.Length];
        for (var i = 0; i < lengths.Length; i++)
        {
            double sum = 0;
            for (var t = 0; t < lengths[i]; t++)
            {
                sum += logp[i][t] - oldLogp[i][t];
            }

            seqLogRatio[i] = sum / Math.Max(lengths[i], 1);
        }

        var (tokenLoss, tokenGrad) = Map(logp, lengths, (i, t) =>
        {
            var logS = seqLogRatio[i];
            var s = Math.Exp(Math.Min(logS, 10));
            var ds = logS <= 10 ? s : 0;
            var a = adv[i][t];
            var drc = s >= 1 - clipLow && s <= 1 + clipHigh ? 1.0 : 0.0;
            return Max(-a * s, -a * ds, -a * Math.Clamp(s, 1 - clipLow, 1 + clipHigh), -a * drc * ds);
        });
        var clipfrac = MaskedMean(lengths, (i, t) =>
        {
            var s = Math.Exp(Math.Min(seqLogRatio[i], 10));
            return -adv[i][t] * Math.Clamp(s, 1 - clipLow, 1 + clipHigh) > -adv[i][t] * s ? 1 : 0;
        });
        return Aggregate(tokenLoss, tokenGrad, lengths, logp[0].Length, LossAggregation.SeqMeanTokenMean, clipfrac, 0, PpoKl(oldLogp, logp, lengths));
    }

    /// <summary>
    /// CISPO (MiniMax-M1, 2025): -sg(min(r, 1 + eps_high)) · A · logp per token. The clipped weight
    /// carries no gradient, so every token keeps a gradient, unlike PPO's clip which zeroes it.
    /// </summary>
    public static Result Cispo(double[][] oldLogp, double[][] logp, double[][] adv, int[] lengths, double clipHigh, LossAggregation agg)
    {
        var (tokenLoss, tokenGrad) = Map(logp, lengths, (i, t) =>
        {
            var r = Math.Exp(Math.Clamp(logp[i][t] - oldLogp[i][t], -20, 20));
            var w = Math.Min(r, 1 + clipHigh);
            return (-w * adv[i][t] * logp[i][t], -w * adv[i][t]);
        });
        var clipfrac = MaskedMean(lengths, (i, t) => Math.Exp(Math.Clamp(logp[i][t] - oldLogp[i][t], -20, 20)) > 1 + clipHigh ? 1 : 0);
        return Aggregate(tokenLoss, tokenGrad, lengths, logp[0].Length, agg, clipfrac, 0, PpoKl(oldLogp, logp, lengths));
    }

    /// <summary>Plain REINFORCE: -A · logp per token.</summary>
    public static Result Reinforce(double[][] oldLogp, double[][] logp, double[][] adv, int[] lengths, LossAggregation agg)
    {
        var (tokenLoss, tokenGrad) = Map(logp, lengths, (i, t) => (-adv[i][t] * logp[i][t], -adv[i][t]));
        return Aggregate(tokenLoss, tokenGrad, lengths, logp[0].Length, agg, 0, 0, PpoKl(oldLogp, logp, lengths));
    }

    /// <summary>The weight of each valid token's loss in the aggregate.</summary>
    public static double Weight(LossAggregation agg, int[] lengths, int row, int width) => agg switch
    {
        LossAggregation.TokenMean => 1.0 / Math.Max(lengths.Sum(), 1),
        LossAggregation.SeqMeanTokenMean => 1.0 / lengths.Length / Math.Max(lengths[row], 1),
        LossAggregation.SeqMeanTokenSum => 1.0 / lengths.Length,
        _ => 1.0 / width,
    };

    private static (double Value, double Grad) Max(double a, double da, double b, double db) =>
        a > b ? (a, da) : a < b ? (b, db) : (a, 0.5 * (da + db));

    private static (double Value, double Grad) Min(double a, double da, double b, double db) =>
        a < b ? (a, da) : a > b ? (b, db) : (a, 0.5 * (da + db));

    private static (double[][] Loss, double[][] Grad) Map(double[][] shape, int[] lengths, Func<int, int, (double, double)> f)
    {
        var loss = shape.Select(r => new double[r.Length]).ToArray();
        var grad = shape.Select(r => new double[r.Length]).ToArray();
        for (var i = 0; i < lengths.Length; i++)
        {
            for (var t = 0; t < lengths[i]; t++)
            {
                (loss[i][t], grad[i][t]) = f(i, t);
            }
        }

        return (loss, grad);
    }

    private static double MaskedMean(int[] lengths, Func<int, int, double> f)
    {
        double sum = 0;
        var n = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            for (var t = 0; t < lengths[i]; t++)
            {
                sum += f(i, t);
                n++;
            }
        }

        return n == 0 ? 0 : sum / n;
    }

    private static double PpoKl(double[][] oldLogp, double[][] logp, int[] lengths) =>
        MaskedMean(lengths, (i, t) => -Math.Clamp(logp[i][t] - oldLogp[i][t], -20, 20));

    private static Result Aggregate(double[][] tokenLoss, double[][] tokenGrad, int[] lengths, int width, LossAggregation agg,
        double clipfrac, double clipfracLower, double ppoKl)
    {
        double loss = 0;
        var grad = tokenGrad.Select(r => new double[r.Length]).ToArray();
        for (var i = 0; i < lengths.Length; i++)
        {
            var w = Weight(agg, lengths, i, width);
            for (var t = 0; t < lengths[i]; t++)
            {
                loss += w * tokenLoss[i][t];
                grad[i][t] = w * tokenGrad[i][t];
            }
        }

        return new Result(loss, grad, clipfrac, clipfracLower, ppoKl);
    }
}
