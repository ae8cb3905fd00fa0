using Pipeline.Stages.Graph;
using Pipeline.Stages.Sampling;

namespace Pipeline.Tests.Stages.Sampling;

public class PromptStatisticsTests
{
    [Fact]
    public void BetaPosteriorAddsSuccessesToAlphaAndFailuresToBeta()
    {
        var prior = new BetaPrior(2, 3);
        var s = new PromptStatistics(10, 4, 7);
        Assert.Equal((6.0, 9.0), prior.Posterior(s));
        Assert.Equal(6.0 / 15, prior.Mean(s), 12);
        Assert.Equal(6.0 * 9 / (15.0 * 15 * 16), prior.Variance(s), 12);
        Assert.Equal(0.4, prior.Mean(null), 12);
        Assert.Equal(1.0 / 12, new BetaPrior(1, 1).Variance(null), 12);
    }

    [Fact]
    public void ADrawSeesOnlyRecordsOfEarlierStepsWhateverTheirArrivalOrder()
    {
        var a = new PromptStatisticsBook();
        var b = new PromptStatisticsBook();
        a.Record("p", 4, 1, 1, 10);
        a.Record("p", 4, 3, 2, 30);
        a.Record("q", 2, 2, 3, 5);
        b.Record("q", 2, 2, 3, 5);
        b.Record("p", 4, 3, 2, 30);
        b.Record("p", 4, 1, 1, 10);

        Assert.Equal(new PromptStatistics(4, 1, 1, 10), a.Before(2)["p"]);
        Assert.False(a.Before(2).ContainsKey("q"));
        Assert.Equal(new PromptStatistics(8, 4, 2, 40), a.Before(3)["p"]);
        Assert.Equal(5.0, a.Before(3)["p"].MeanCompletionLength);
        Assert.Equal(a.All.OrderBy(p => p.Key), b.All.OrderBy(p => p.Key));
        Assert.Equal(new PromptStatistics(2, 2, 3, 5), a.All["q"]);
        Assert.False(b.Through(2).ContainsKey("q"));
        Assert.Equal(new PromptStatistics(8, 4, 2, 40), b.Through(2)["p"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Record("p", 2, 3, 4, 0));
    }

    [Fact]
    public void RestoreReplacesEverythingHeldBackIncluded()
    {
        var book = new PromptStatisticsBook();
        book.Record("p", 4, 1, 5, 10);
        book.Restore(new Dictionary<string, PromptStatistics> { ["q"] = new(3, 1, 2, 9) });
        Assert.Equal(["q"], book.Before(100).Keys);
        Assert.Equal(new PromptStatistics(3, 1, 2, 9), book.All["q"]);
    }
}
