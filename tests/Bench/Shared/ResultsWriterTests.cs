using Pipeline.Bench.Shared;

namespace Pipeline.Tests.Bench.Shared;

public class ResultsWriterTests
{
    [Fact]
    public void AResultCarriesTheMachineThePeakAndTheTable()
    {
        var md = ResultsWriter.Format("MatmulBenchmarks", "| Method | Mean |\n|---|---:|\n| A | 1 ms |\n\n", "- CPU: Test CPU, 2 logical cores", 41.24, DateTimeOffset.UnixEpoch);
        var lines = md.Split('\n');
        Assert.Equal("# MatmulBenchmarks", lines[0]);
        Assert.Contains("Measured 1970-01-01 00:00 UTC. The machine was shared", md);
        Assert.Contains("## Machine\n\n- CPU: Test CPU, 2 logical cores\n- fp32 matmul 1024 (as `pipeline doctor` measures it): 41.2 GFLOP/s\n", md);
        Assert.EndsWith("## Results\n\n| Method | Mean |\n|---|---:|\n| A | 1 ms |\n", md);
    }
}
