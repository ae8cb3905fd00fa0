using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Model.Torch;

/// <summary>
/// Finds libpipeline_torch for every P/Invoke of this assembly. The shim is built by
/// <c>./run setup</c> into <c>model/native/build/</c>, outside any project's output folder, so the
/// default probing (next to the assembly) would not see it from tests, benchmarks or the CLI.
/// </summary>
public static class NativeLibraryResolver
{
    public const string LibraryName = "pipeline_torch";

    /// <summary>Environment variable naming the shim's full path; overrides every other place.</summary>
    public const string PathVariable = "PIPELINE_NATIVE_LIB";

    public const string BuildCommand = "./run setup";

    private static readonly Lazy<IntPtr> Handle = new(Load);

#pragma warning disable CA2255 // A module initializer is the one hook that runs before any P/Invoke of this assembly.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == LibraryName ? Handle.Value : IntPtr.Zero;

    public static string FileName =>
        OperatingSystem.IsWindows() ? $"{LibraryName}.dll"
        : OperatingSystem.IsMacOS() ? $"lib{LibraryName}.dylib"
        : $"lib{LibraryName}.so";

    /// <summary>The places searched, in order.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            list.Add(explicitPath);
        }

        list.Add(Path.Combine(AppContext.BaseDirectory, FileName));
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "model", "native", "build", FileName);
                if (!list.Contains(candidate))
                {
                    list.Add(candidate);
                }
            }
        }

        return list;
    }

    /// <summary>The shim's path, or null when it has not been built.</summary>
    public static string? Locate() => Candidates().FirstOrDefault(File.Exists);

    private static IntPtr Load()
    {
        var path = Locate() ?? throw new DllNotFoundException(
            $"{FileName} (the libtorch shim) was not found. Build it with '{BuildCommand}' from the " +
            $"repository root, or set {PathVariable} to its path. Looked in:{Environment.NewLine}  " +
            string.Join(Environment.NewLine + "  ", Candidates()));
        try
        {
            return NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"{path} exists but could not be loaded: {e.Message}. Its libtorch may have moved; " +
                $"rebuild with '{BuildCommand}'.", e);
        }
    }
}
