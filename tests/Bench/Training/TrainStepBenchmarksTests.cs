using Pipeline.Bench.Training;

namespace Pipeline.Tests.Bench.Training;

public class TrainStepBenchmarksTests
{
    [Fact]
    public void TheTinyCaseTrainsOneStepAndScoresEveryRow()
    {
        var bench = new TrainStepBenchmarks { Size = "tiny", MicroBatch = 8 };
        bench.Setup();
        try
        {
            var logProbs = bench.Forward();
            Assert.Equal(16, logProbs.Length);
            Assert.All(logProbs, row => Assert.Equal(24, row.Length));
            var stats = bench.Step();
            Assert.Equal(16 * 24, stats.Tokens);
            Assert.Equal(1, stats.OptimizerSteps);
            Assert.True(double.IsFinite(stats.GradNorm) && stats.GradNorm > 0);
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
