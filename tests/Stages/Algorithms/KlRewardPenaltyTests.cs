using Pipeline.Stages.Algorithms.Kl;
using Pipeline.Stages.Algorithms.Regularizers;

namespace Pipeline.Tests.Stages.Algorithms;

public class KlRewardPenaltyTests
{
    [Fact]
    public void SubtractsTheSummedTokenKlTimesTheCoefficient()
    {
        // k1 per token = logp - ref: row 0 = 0.5 + 0, row 1 = 0.5; coef 0.1.
        var shaped = KlRewardPenalty.Apply([1f, 0f], [[-1f, -2f], [-0.5f]], [[-1.5f, -2f], [-1f]], KlEstimator.K1, 0.1);
        Assert.Equal(0.95f, shaped[0], 6);
        Assert.Equal(-0.05f, shaped[1], 6);

        // k3 of log-ratio 0.5: exp(-0.5) + 0.5 - 1 = 0.10653.
        var k3 = KlRewardPenalty.Apply([0f], [[-1f]], [[-1.5f]], KlEstimator.K3, 1.0);
        Assert.Equal(-0.10653f, k3[0], 4);
    }

    [Fact]
    public void RejectsRowsOfDifferentLengths() =>
        Assert.Throws<ArgumentException>(() => KlRewardPenalty.Apply([1f], [[-1f, -2f]], [[-1f]], KlEstimator.K1, 0.1));

    [Theory]
    [InlineData(0, 5, false)]
    [InlineData(3, 0, false)]
    [InlineData(3, 3, true)]
    [InlineData(3, 4, false)]
    [InlineData(3, 6, true)]
    public void ReferenceResetsEveryNSteps(int every, long completed, bool reset) =>
        Assert.Equal(reset, new ReferenceResetSchedule(every).ShouldReset(completed));
}
