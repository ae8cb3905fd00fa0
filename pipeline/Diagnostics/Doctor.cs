using System.Globalization;
using System.Runtime.InteropServices;
using Pipeline.Model.Torch;

namespace Pipeline.Cli.Diagnostics;

/// <summary>One line of the doctor's report; a problem makes the command fail.</summary>
public sealed record DoctorFinding(string Name, string Value, string? Problem = null);

/// <summary>
/// Checks that this machine can train at full speed: the runtime, libtorch and its BLAS, threads,
/// CPU features, devices, and measured matmul rates.
/// </summary>
public sealed class Doctor(int matmulSize = 1024, double secondsPerMeasurement = 0.5)
{
    public IReadOnlyList<DoctorFinding> Examine()
    {
        var findings = new List<DoctorFinding>
        {
            new(".NET", $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})"),
        };

        var shim = NativeLibraryResolver.Locate();
        if (shim is null)
        {
            findings.Add(new("native shim", "missing", $"{NativeLibraryResolver.FileName} is not built: run '{NativeLibraryResolver.BuildCommand}'."));
            return findings;
        }

        findings.Add(new("native shim", shim));
        string version;
        try
        {
            version = TorchRuntime.Version;
        }
        catch (DllNotFoundException e)
        {
            findings.Add(new("libtorch", "not loadable", e.Message));
            return findings;
        }

        findings.Add(TorchRuntime.NativeAbiVersion == TorchRuntime.AbiVersion
            ? new("shim ABI", TorchRuntime.AbiVersion.ToString(CultureInfo.InvariantCulture))
            : new("shim ABI", TorchRuntime.NativeAbiVersion.ToString(CultureInfo.InvariantCulture),
                $"the shim is stale (ABI {TorchRuntime.NativeAbiVersion}, expected {TorchRuntime.AbiVersion}): run '{NativeLibraryResolver.BuildCommand}'."));
        findings.Add(new("libtorch", $"{version} at {TorchRuntime.LibraryPath}"));
        findings.Add(new("threads", $"{TorchRuntime.IntraOpThreads} intra-op, {TorchRuntime.InterOpThreads} inter-op, {Environment.ProcessorCount} logical cores"));

        var cpu = CpuFeatures.Read();
        var config = TorchRuntime.BuildConfig;
        var capability = config.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("CPU capability usage", StringComparison.Ordinal));
        findings.Add(new("cpu", cpu.Model));
        findings.Add(new("cpu features", $"has [{string.Join(' ', cpu.Present)}], lacks [{string.Join(' ', cpu.Absent)}]" + (capability is null ? string.Empty : $"; libtorch {capability}")));
        findings.Add(new("devices", string.Join(", ", TorchRuntime.Devices)));

        findings.Add(new($"cpu matmul fp32 {matmulSize}", FormatRate(Measure(MatmulType.Float32, -1))));
        findings.Add(new($"cpu matmul bf16 {matmulSize}", FormatRate(Measure(MatmulType.BFloat16, -1))));
        for (var device = 0; device < TorchRuntime.CudaDeviceCount; device++)
        {
            findings.Add(new($"cuda:{device} matmul fp32 {matmulSize}", FormatRate(Measure(MatmulType.Float32, device))));
            findings.Add(new($"cuda:{device} matmul bf16 {matmulSize}", FormatRate(Measure(MatmulType.BFloat16, device))));
        }

        // Read after the matmuls, when the BLAS is surely loaded.
        var blas = BlasProbe.MappedBlasLibraries();
        var built = BlasProbe.BuildBlas(config);
        var blasText = (blas.Count == 0 ? "none mapped (libtorch uses its own kernels)" : string.Join(", ", blas)) + (built is null ? string.Empty : $"; built with {built}");
        findings.Add(BlasProbe.IsReferenceBlas(blas)
            ? new("blas", blasText,
                $"the reference BLAS is in use, ~40x slower at fp32 matmul: run '{NativeLibraryResolver.BuildCommand}' as root, or " +
                $"update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")
            : new("blas", blasText));
        return findings;
    }

    /// <summary>Matmul GFLOP/s of square <c>matmulSize</c> matrices at the current thread count: the peak that utilisation is a share of.</summary>
    public double Measure(MatmulType type, int device = -1)
    {
        // A short probe sizes the timed run, so that slow and fast machines both spend about the same time.
        var probe = TorchRuntime.MeasureMatmulGflops(matmulSize, type, 1, device);
        var flopsPer = 2.0 * matmulSize * matmulSize * matmulSize;
        var iterations = (int)Math.Clamp(secondsPerMeasurement * probe * 1e9 / flopsPer, 2, 10_000);
        return TorchRuntime.MeasureMatmulGflops(matmulSize, type, iterations, device);
    }

    private static string FormatRate(double gflops) => $"{gflops.ToString("F1", CultureInfo.InvariantCulture)} GFLOP/s";
}
