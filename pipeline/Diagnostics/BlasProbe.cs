namespace Pipeline.Cli.Diagnostics;

/// <summary>
/// Which BLAS the process really uses, read from the files mapped into it. libtorch's build
/// config only says what it was compiled against; on Debian the system alternative decides.
/// </summary>
public static class BlasProbe
{
    public static IReadOnlyList<string> MappedBlasLibraries(string? maps = null)
    {
        maps ??= File.Exists("/proc/self/maps") ? File.ReadAllText("/proc/self/maps") : string.Empty;
        return maps.Split('\n')
            .Select(line => line.IndexOf('/') is var slash and >= 0 ? line[slash..].Trim() : null)
            .OfType<string>()
            .Where(path => Path.GetFileName(path) is var name &&
                (name.Contains("blas", StringComparison.OrdinalIgnoreCase) ||
                 name.Contains("lapack", StringComparison.OrdinalIgnoreCase) ||
                 name.Contains("mkl", StringComparison.OrdinalIgnoreCase)))
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// True when the reference (netlib) libblas is loaded: Debian's alternatives point at blas/.
    /// An OpenBLAS liblapack mapped beside it does not help, since sgemm binds to libblas.
    /// </summary>
    public static bool IsReferenceBlas(IReadOnlyList<string> libraries) =>
        libraries.Any(p => p.Contains("/blas/libblas", StringComparison.Ordinal));

    /// <summary>The line of libtorch's build config that names its BLAS.</summary>
    public static string? BuildBlas(string buildConfig) =>
        buildConfig.Split('\n').Select(l => l.Trim())
            .FirstOrDefault(l => l.StartsWith("BLAS_INFO", StringComparison.Ordinal) || l.Contains("BLAS_INFO=", StringComparison.Ordinal))
            is { } line ? ExtractSetting(line, "BLAS_INFO") : null;

    private static string ExtractSetting(string line, string key)
    {
        var start = line.IndexOf(key + "=", StringComparison.Ordinal);
        if (start < 0)
        {
            return line;
        }

        var value = line[(start + key.Length + 1)..];
        var end = value.IndexOf(',');
        return end < 0 ? value.Trim() : value[..end].Trim();
    }
}
