using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Cli.Setup;

/// <summary>
/// Decides what a machine lacks to build and test the project. Pure reading: nothing here installs
/// or writes, so a second run over a ready machine plans nothing.
/// </summary>
public sealed class SetupPlanner(IHostSystem host, RepositoryLayout layout)
{
    public const string LibtorchVariable = "LIBTORCH";

    public static string Multiarch => RuntimeInformation.OSArchitecture switch
    {
        Architecture.Arm64 => "aarch64-linux-gnu",
        _ => "x86_64-linux-gnu",
    };

    /// <summary>Where Debian's python3-torch puts the torch package for /usr/bin/python3.</summary>
    public const string DebianTorchPackage = "/usr/lib/python3/dist-packages/torch/__init__.py";

    public static string OpenBlasDirectory => $"/usr/lib/{Multiarch}/openblas-pthread";

    public SetupPlan Plan(bool forTests, bool forBench = false)
    {
        var packages = new List<string>();
        var steps = new List<SetupStep>();
        var problems = new List<string>();

        if (host.Which("c++") is null && host.Which("g++") is null)
        {
            packages.Add("g++");
        }

        if (host.Which("cmake") is null)
        {
            packages.Add("cmake");
        }

        if (host.Which("make") is null)
        {
            packages.Add("make");
        }

        var libtorch = host.Environment(LibtorchVariable);
        if (!string.IsNullOrEmpty(libtorch))
        {
            if (!host.FileExists(Path.Combine(libtorch, "include", "torch", "csrc", "api", "include", "torch", "torch.h")) ||
                !HasTorchLibrary(Path.Combine(libtorch, "lib")))
            {
                problems.Add(
                    $"LIBTORCH={libtorch} does not hold a libtorch (expected include/torch/csrc/api/include/torch/torch.h " +
                    "and lib/libtorch_cpu). Point it at a libtorch >= 1.13, e.g. the 'torch' folder of a pip-installed torch, or unset it to use Debian's libtorch-dev.");
            }
        }
        else if (host.IsLinux)
        {
            if (!host.FileExists("/usr/include/torch/csrc/api/include/torch/torch.h") ||
                !HasTorchLibrary($"/usr/lib/{Multiarch}"))
            {
                packages.Add("libtorch-dev");
            }

            // Debian's libtorch calls the system BLAS; the reference one is ~40x slower at fp32 matmul.
            if (!host.FileExists($"{OpenBlasDirectory}/libblas.so.3"))
            {
                packages.Add("libopenblas0-pthread");
                steps.Add(new SetupStep(SetupStepKind.SelectOpenBlas, "OpenBLAS is being installed"));
            }
            else if (!OpenBlasSelected())
            {
                steps.Add(new SetupStep(SetupStepKind.SelectOpenBlas, "the system BLAS is not OpenBLAS"));
            }
        }
        else
        {
            problems.Add(
                $"no libtorch: set {LibtorchVariable} to a libtorch >= 1.13 (the folder with include/ and lib/, " +
                "e.g. the 'torch' folder of a pip-installed torch, CPU or CUDA).");
        }

        if (forTests && host.FileExists(Path.Combine(layout.Oracles, "package.json")))
        {
            if (host.Which("node") is null)
            {
                packages.Add("nodejs");
            }

            if (host.Which("npm") is null)
            {
                packages.Add("npm");
            }

            if (host.ReadFile(layout.OraclesStamp)?.Trim() != OraclesLockHash())
            {
                steps.Add(new SetupStep(SetupStepKind.InstallOracles, "tests/oracles/node_modules is missing or older than package-lock.json"));
            }
        }

        // The report test renders report.html in a headless browser (Debian's package is 'chromium').
        if (forTests && host.Which("chromium") is null)
        {
            packages.Add("chromium");
        }

        // The end-to-end benchmark runs a PyTorch GRPO peer (bench/peer) with Debian's python3-torch,
        // the same libtorch version the shim links, so the comparison is engine against engine.
        if (forBench && (host.Which("python3") is null || !host.FileExists(DebianTorchPackage)))
        {
            packages.Add("python3-torch");
        }

        if (host.ReadFile(layout.NativeStamp)?.Trim() != NativeSourceHash())
        {
            steps.Add(new SetupStep(SetupStepKind.BuildNative, "model/native changed since the last build, or was never built"));
        }

        return new SetupPlan(packages, steps, problems);
    }

    /// <summary>
    /// The hash a native build is stamped with: every source of the shim plus the libtorch it is
    /// built against, so that either change triggers a rebuild and nothing else does.
    /// </summary>
    public string NativeSourceHash()
    {
        var sources = new List<string> { Path.Combine(layout.NativeSource, "CMakeLists.txt") };
        var src = Path.Combine(layout.NativeSource, "src");
        if (Directory.Exists(src))
        {
            sources.AddRange(Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories));
        }

        return HashFiles(sources, $"{LibtorchVariable}={host.Environment(LibtorchVariable)}");
    }

    /// <summary>The hash installed oracles are stamped with: their package files.</summary>
    public string OraclesLockHash() =>
        HashFiles([Path.Combine(layout.Oracles, "package-lock.json"), Path.Combine(layout.Oracles, "package.json")]);

    private string HashFiles(IEnumerable<string> paths, string extra = "")
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(extra));
        foreach (var path in paths.OrderBy(p => p, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(layout.Root, path) + "\0"));
            sha.AppendData(Encoding.UTF8.GetBytes(host.ReadFile(path) ?? "<missing>"));
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private bool HasTorchLibrary(string dir) =>
        host.FileExists(Path.Combine(dir, "libtorch_cpu.so")) || host.FileExists(Path.Combine(dir, "libtorch_cpu.dylib"));

    private bool OpenBlasSelected()
    {
        var query = host.Run("update-alternatives", ["--query", $"libblas.so.3-{Multiarch}"]);
        return query.ExitCode == 0 && query.Output.Split('\n').Any(l => l.StartsWith("Value:", StringComparison.Ordinal) && l.Contains("openblas", StringComparison.Ordinal));
    }
}
