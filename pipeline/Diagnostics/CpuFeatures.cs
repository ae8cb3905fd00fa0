using System.Runtime.Intrinsics.X86;

namespace Pipeline.Cli.Diagnostics;

/// <summary>The CPU features that decide matmul speed: vector width and native bf16 (AVX-512 BF16, AMX).</summary>
public sealed record CpuFeatures(string Model, IReadOnlyList<string> Present, IReadOnlyList<string> Absent)
{
    /// <summary>The flags worth reporting, in /proc/cpuinfo's spelling.</summary>
    public static readonly string[] Interesting = ["avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile", "amx_bf16", "amx_int8"];

    public static CpuFeatures Read()
    {
        var cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : null;
        return cpuinfo is not null ? Parse(cpuinfo) : FromRuntime();
    }

    public static CpuFeatures Parse(string cpuinfo)
    {
        string model = "unknown";
        var flags = new HashSet<string>();
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "model name" && model == "unknown")
            {
                model = value;
            }
            else if (key is "flags" or "Features" && flags.Count == 0)
            {
                flags.UnionWith(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return new CpuFeatures(model, [.. Interesting.Where(flags.Contains)], [.. Interesting.Where(f => !flags.Contains(f))]);
    }

    // Outside Linux the runtime's own view is the best available.
    private static CpuFeatures FromRuntime()
    {
        var seen = new Dictionary<string, bool>
        {
            ["avx2"] = Avx2.IsSupported,
            ["fma"] = Fma.IsSupported,
            ["avx512f"] = Avx512F.IsSupported,
        };
        return new CpuFeatures("unknown", [.. seen.Where(p => p.Value).Select(p => p.Key)], [.. seen.Where(p => !p.Value).Select(p => p.Key)]);
    }
}
