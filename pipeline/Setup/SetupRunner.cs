namespace Pipeline.Cli.Setup;

/// <summary>
/// Carries out a plan: apt-get for missing packages (Debian/Ubuntu as root only), then the steps.
/// Elsewhere it prints exactly what to install and fails, because guessing at another package
/// manager would be worse than a precise instruction.
/// </summary>
public sealed class SetupRunner(IHostSystem host, RepositoryLayout layout, TextWriter log, bool quiet)
{
    public int Run(bool forTests, bool forBench = false)
    {
        var planner = new SetupPlanner(host, layout);
        var plan = planner.Plan(forTests, forBench);
        if (plan.NothingToDo)
        {
            Say("setup: nothing to do; libtorch, BLAS, native shim" + (forTests ? ", test oracles and chromium" : string.Empty) + (forBench ? ", python3-torch" : string.Empty) + " are ready.", force: false);
            return 0;
        }

        if (plan.Problems.Count > 0)
        {
            foreach (var problem in plan.Problems)
            {
                log.WriteLine($"setup: {problem}");
            }

            return 1;
        }

        if (plan.MissingPackages.Count > 0)
        {
            var os = OsRelease.Parse(host.ReadFile("/etc/os-release"));
            var packages = string.Join(' ', plan.MissingPackages);
            if (!os.IsDebianFamily || !host.IsRoot)
            {
                log.WriteLine($"setup: missing: {packages}.");
                log.WriteLine(os.IsDebianFamily
                    ? $"setup: run as root, or install them yourself: sudo apt-get install -y --no-install-recommends {packages}"
                    : $"setup: on {os.PrettyName}, install the equivalents of these Debian packages (a C++ compiler, cmake, make, node, npm, chromium and python3-torch), " +
                      $"and set {SetupPlanner.LibtorchVariable} to a libtorch >= 1.13 (e.g. the 'torch' folder of a pip-installed torch).");
                return 1;
            }

            Say($"setup: installing {packages}", force: true);
            Require(host.Run("apt-get", ["update", "-qq"], echo: true), "apt-get update");
            Require(host.Run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", .. plan.MissingPackages], echo: true), $"apt-get install {packages}");
            plan = planner.Plan(forTests, forBench);
            if (plan.MissingPackages.Count > 0)
            {
                log.WriteLine($"setup: still missing after apt-get: {string.Join(' ', plan.MissingPackages)}");
                return 1;
            }
        }

        foreach (var step in plan.Steps)
        {
            Say($"setup: {Describe(step.Kind)} ({step.Reason})", force: true);
            switch (step.Kind)
            {
                case SetupStepKind.SelectOpenBlas:
                    SelectOpenBlas();
                    break;
                case SetupStepKind.InstallOracles:
                    InstallOracles();
                    break;
                case SetupStepKind.BuildNative:
                    BuildNative(planner.NativeSourceHash());
                    break;
            }
        }

        return 0;
    }

    private static string Describe(SetupStepKind kind) => kind switch
    {
        SetupStepKind.SelectOpenBlas => "selecting OpenBLAS as the system BLAS",
        SetupStepKind.InstallOracles => "installing the test oracles (npm install in tests/oracles)",
        SetupStepKind.BuildNative => "building the libtorch shim",
        _ => kind.ToString(),
    };

    private void SelectOpenBlas()
    {
        if (!host.IsRoot)
        {
            throw new SetupException(
                $"OpenBLAS is installed but not selected; as root run: update-alternatives --set libblas.so.3-{SetupPlanner.Multiarch} {SetupPlanner.OpenBlasDirectory}/libblas.so.3");
        }

        foreach (var lib in new[] { "libblas.so.3", "liblapack.so.3" })
        {
            var target = $"{SetupPlanner.OpenBlasDirectory}/{lib}";
            if (host.FileExists(target))
            {
                Require(host.Run("update-alternatives", ["--set", $"{lib}-{SetupPlanner.Multiarch}", target]), $"update-alternatives --set {lib}");
            }
        }
    }

    private void InstallOracles()
    {
        // Not "npm ci": the lock holds only this platform's optional binaries, which ci rejects as out of sync.
        Require(host.Run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], layout.Oracles, echo: !quiet), "npm install in tests/oracles");
        File.WriteAllText(layout.OraclesStamp, new SetupPlanner(host, layout).OraclesLockHash());
    }

    private void BuildNative(string sourceHash)
    {
        var libtorch = host.Environment(SetupPlanner.LibtorchVariable) ?? string.Empty;
        // CMake caches the libtorch it found: a build made against another one must start over.
        if (File.Exists(layout.NativeLibtorchStamp) && File.ReadAllText(layout.NativeLibtorchStamp) != libtorch)
        {
            Directory.Delete(layout.NativeBuild, recursive: true);
        }

        var configure = new List<string> { "-S", layout.NativeSource, "-B", layout.NativeBuild, "-DCMAKE_BUILD_TYPE=Release" };
        if (!string.IsNullOrEmpty(libtorch))
        {
            configure.Add($"-DLIBTORCH={libtorch}");
        }

        Require(host.Run("cmake", configure, echo: !quiet), "cmake configure of model/native");
        Require(host.Run("cmake", ["--build", layout.NativeBuild, "-j", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)], echo: !quiet), "cmake build of model/native");
        File.WriteAllText(layout.NativeLibtorchStamp, libtorch);
        File.WriteAllText(layout.NativeStamp, sourceHash);
        Say($"setup: built {layout.NativeBuild}", force: true);
    }

    private static void Require(ProcessResult result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new SetupException($"{what} failed (exit {result.ExitCode}){(result.Output.Length > 0 ? ":\n" + result.Output : ".")}");
        }
    }

    private void Say(string message, bool force)
    {
        if (force || !quiet)
        {
            log.WriteLine(message);
        }
    }
}

public sealed class SetupException(string message) : Exception(message);
