using System.Diagnostics;

namespace Pipeline.Cli.Setup;

/// <summary>
/// What setup asks of the machine: files, commands on PATH, and running programs. Behind an
/// interface so that the planning logic is tested without touching the machine.
/// </summary>
public interface IHostSystem
{
    bool FileExists(string path);
    string? ReadFile(string path);
    string? Environment(string name);
    bool IsLinux { get; }
    bool IsRoot { get; }

    /// <summary>The full path of an executable found on PATH, or null.</summary>
    string? Which(string command);

    /// <summary>Runs a program to completion; output is captured, or streamed when <paramref name="echo"/> is set.</summary>
    ProcessResult Run(string program, IReadOnlyList<string> arguments, string? workingDirectory = null, bool echo = false);
}

public sealed record ProcessResult(int ExitCode, string Output);

public sealed class RealHostSystem : IHostSystem
{
    public bool FileExists(string path) => File.Exists(path);

    public string? ReadFile(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    public string? Environment(string name) => System.Environment.GetEnvironmentVariable(name);

    public bool IsLinux => OperatingSystem.IsLinux();

    public bool IsRoot => System.Environment.IsPrivilegedProcess;

    public string? Which(string command)
    {
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? workingDirectory = null, bool echo = false)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = !echo,
            RedirectStandardError = !echo,
            WorkingDirectory = workingDirectory ?? System.Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (program == "apt-get")
        {
            info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var output = string.Empty;
        if (!echo)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd() + stderr.GetAwaiter().GetResult();
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, output);
    }
}
