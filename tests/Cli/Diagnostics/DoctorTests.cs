using Pipeline.Cli.Diagnostics;

namespace Pipeline.Tests.Cli.Diagnostics;

public class DoctorTests
{
    [Fact]
    public void ReportsEverySectionWithoutProblemsOnThisMachine()
    {
        var findings = new Doctor(matmulSize: 128, secondsPerMeasurement: 0.05).Examine();
        var names = findings.Select(f => f.Name).ToList();
        foreach (var expected in new[] { ".NET", "libtorch", "threads", "cpu features", "devices", "cpu matmul fp32 128", "cpu matmul bf16 128", "blas" })
        {
            Assert.Contains(expected, names);
        }

        Assert.All(findings, f => Assert.Null(f.Problem));
    }
}
