using Pipeline.Stages.Sampling;

namespace Pipeline.Tests.Stages.Sampling;

public class RolloutApportionmentTests
{
    [Fact]
    public void SplitsTheTotalInProportionToTheWeightsWithinTheBounds()
    {
        // 8 extra rollouts over weights 3:1: D'Hondt quotients give 6 and 2.
        Assert.Equal([8, 4], RolloutApportionment.Split(12, 2, 10, [0.75, 0.25]));
        // Quotients 1, .5, .5, .33 (slot 0 then at max), .25, .17 beat slot 2's .1: slots 0 and 1 fill up.
        Assert.Equal([5, 5, 2], RolloutApportionment.Split(12, 2, 5, [1.0, 0.5, 0.1]));
        Assert.Equal([5, 4, 3], RolloutApportionment.Split(12, 2, 5, [1.0, 0.5, 0.4]));
        Assert.Equal([3, 3, 3, 3], RolloutApportionment.Split(12, 2, 6, [0, 0, 0, 0]));
        Assert.Equal([2, 2, 2], RolloutApportionment.Split(6, 2, 6, [1, 1, 1]));
        Assert.Equal([6, 6], RolloutApportionment.Split(12, 2, 6, [0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RolloutApportionment.Split(13, 2, 6, [1, 1]));
    }

    [Fact]
    public void RandomSplitsAlwaysSumExactlyAndRespectTheBounds()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 500; trial++)
        {
            int n = rng.Next(1, 9), min = rng.Next(1, 4), max = min + rng.Next(0, 6);
            int total = rng.Next(n * min, (n * max) + 1);
            var weights = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            var sizes = RolloutApportionment.Split(total, min, max, weights);
            Assert.Equal(total, sizes.Sum());
            Assert.All(sizes, x => Assert.InRange(x, min, max));
            // More weight never gets fewer rollouts.
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (weights[i] > weights[j]) Assert.True(sizes[i] >= sizes[j]);
        }
    }
}
