using Pipeline.Cli.Diagnostics;

namespace Pipeline.Tests.Cli.Diagnostics;

public class DiagnosticsParsingTests
{
    [Fact]
    public void ReadsCpuFlags()
    {
        var cpu = CpuFeatures.Parse("processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu avx2 fma avx512f amx_tile\n");
        Assert.Equal("Some CPU", cpu.Model);
        Assert.Equal(["avx2", "fma", "avx512f", "amx_tile"], cpu.Present);
        Assert.Contains("amx_bf16", cpu.Absent);
    }

    [Fact]
    public void FindsMappedBlasAndTellsReferenceFromOpenBlas()
    {
        const string reference = "7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0\n7f02-7f03 r-xp 0 08:01 2 /usr/lib/x86_64-linux-gnu/libc.so.6\n";
        const string open = "7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\n";
        Assert.True(BlasProbe.IsReferenceBlas(BlasProbe.MappedBlasLibraries(reference)));
        Assert.False(BlasProbe.IsReferenceBlas(BlasProbe.MappedBlasLibraries(open)));
        Assert.Equal(["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"], BlasProbe.MappedBlasLibraries(reference));
        // Seen on Debian with libblas switched back to the reference but liblapack left on OpenBLAS.
        const string mixed = "7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3\n7f02-7f03 r-xp 0 08:01 2 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0\n";
        Assert.True(BlasProbe.IsReferenceBlas(BlasProbe.MappedBlasLibraries(mixed)));
    }

    [Fact]
    public void ReadsBlasFromBuildConfig() =>
        Assert.Equal("open", BlasProbe.BuildBlas("  - Build settings: BLAS_INFO=open, BUILD_TYPE=Release,\n"));
}
