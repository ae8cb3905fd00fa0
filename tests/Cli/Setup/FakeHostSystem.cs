using Pipeline.Cli.Setup;

namespace Pipeline.Tests.Cli.Setup;

/// <summary>A machine made of a dictionary: files, PATH commands, environment, and canned program output.</summary>
internal sealed class FakeHostSystem : IHostSystem
{
    public Dictionary<string, string> Files { get; } = [];
    public HashSet<string> Commands { get; } = [];
    public Dictionary<string, string> Variables { get; } = [];
    public Dictionary<string, ProcessResult> Programs { get; } = [];
    public List<string> Ran { get; } = [];
    public bool IsLinux { get; set; } = true;
    public bool IsRoot { get; set; } = true;

    public bool FileExists(string path) => Files.ContainsKey(path);
    public string? ReadFile(string path) => Files.GetValueOrDefault(path);
    public string? Environment(string name) => Variables.GetValueOrDefault(name);
    public string? Which(string command) => Commands.Contains(command) ? "/usr/bin/" + command : null;

    public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? workingDirectory = null, bool echo = false)
    {
        var line = program + " " + string.Join(' ', arguments);
        Ran.Add(line);
        return Programs.FirstOrDefault(p => line.StartsWith(p.Key, StringComparison.Ordinal)).Value ?? new ProcessResult(0, string.Empty);
    }

    /// <summary>A Debian machine with everything installed and OpenBLAS selected.</summary>
    public static FakeHostSystem ReadyDebian()
    {
        var host = new FakeHostSystem();
        host.Commands.UnionWith(["g++", "cmake", "make", "node", "npm", "chromium"]);
        var ma = SetupPlanner.Multiarch;
        host.Files["/etc/os-release"] = "ID=debian\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
        host.Files["/usr/include/torch/csrc/api/include/torch/torch.h"] = "";
        host.Files[$"/usr/lib/{ma}/libtorch_cpu.so"] = "";
        host.Files[$"{SetupPlanner.OpenBlasDirectory}/libblas.so.3"] = "";
        host.Programs["update-alternatives --query"] = new ProcessResult(0, $"Name: libblas.so.3-{ma}\nValue: {SetupPlanner.OpenBlasDirectory}/libblas.so.3\n");
        return host;
    }
}
