using System.Globalization;
using System.Runtime.InteropServices;
using Pipeline.Model.Torch;

namespace Pipeline.Cli.Diagnostics;

/// <summary>
/// What a benchmark result depends on, written beside it: CPU, cores, memory, OS, runtime,
/// libtorch and the BLAS it really loaded, and thread counts.
/// </summary>
public sealed record MachineDescription(
    string Cpu, int LogicalCores, long MemoryBytes, string Os, string Runtime, string Libtorch, string Blas, int IntraOpThreads, int InterOpThreads)
{
    /// <summary>Reads the current machine; call it after a matmul has run so the BLAS is mapped.</summary>
    public static MachineDescription Read()
    {
        var blas = BlasProbe.MappedBlasLibraries();
        var built = BlasProbe.BuildBlas(TorchRuntime.BuildConfig);
        return new MachineDescription(
            CpuFeatures.Read().Model,
            Environment.ProcessorCount,
            MemTotal(File.Exists("/proc/meminfo") ? File.ReadAllText("/proc/meminfo") : string.Empty),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            TorchRuntime.Version,
            (blas.Count == 0 ? "libtorch's own kernels" : string.Join(", ", blas.Select(Path.GetFileName))) + (built is null ? string.Empty : $" (built with {built})"),
            TorchRuntime.IntraOpThreads,
            TorchRuntime.InterOpThreads);
    }

    /// <summary>MemTotal of /proc/meminfo in bytes; 0 when absent.</summary>
    public static long MemTotal(string meminfo)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
            var parts = line["MemTotal:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
        }

        return 0;
    }

    /// <summary>A markdown bullet list, one line per property.</summary>
    public string ToMarkdown() => string.Join('\n',
        $"- CPU: {Cpu}, {LogicalCores} logical cores",
        $"- memory: {MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB",
        $"- OS: {Os}; {Runtime}",
        $"- libtorch {Libtorch}; BLAS: {Blas}",
        $"- threads: {IntraOpThreads} intra-op, {InterOpThreads} inter-op");
}
