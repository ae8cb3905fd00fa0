using System.Diagnostics;

namespace Pipeline.Tests.Cli.Reports;

/// <summary>Debian's chromium, run headless to load a page and return its DOM after the page's scripts ran.</summary>
internal static class HeadlessChromium
{
    public static string? Executable { get; } = Find();

    /// <summary>Why a browser test cannot run here, or null when it can or must (chromium missing but installable is a failure, not a skip).</summary>
    public static string? SkipReason { get; } = Executable is not null || Installable() ? null
        : "chromium is not on PATH and apt has no 'chromium' candidate here; './run setup' installs it on Debian.";

    /// <summary>The serialised DOM of <paramref name="page"/> once loaded; throws with chromium's output when it fails or hangs.</summary>
    public static string DumpDom(string page, TimeSpan timeout)
    {
        var exe = Executable ?? throw new InvalidOperationException("chromium is not on PATH: run './run setup' (it installs Debian's chromium for the tests).");
        var profile = Directory.CreateTempSubdirectory("pipeline-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // --no-sandbox: tests run as root here, which chromium's sandbox refuses.
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", $"--user-data-dir={profile}", "--dump-dom", new Uri(page).AbsoluteUri })
                psi.ArgumentList.Add(a);
            using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish loading {page} within {timeout}:\n{stderr.Result}");
            }

            process.WaitForExit();
            if (process.ExitCode != 0 || stdout.Result.Length == 0)
                throw new InvalidOperationException($"chromium exited {process.ExitCode} on {page}:\n{stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "chromium"))
            .FirstOrDefault(File.Exists);

    private static bool Installable()
    {
        try
        {
            var psi = new ProcessStartInfo("apt-cache") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("policy");
            psi.ArgumentList.Add("chromium");
            using var process = Process.Start(psi);
            if (process is null) return false;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output.Split('\n').Any(l => l.Trim().StartsWith("Candidate:", StringComparison.Ordinal) && !l.Contains("(none)", StringComparison.Ordinal));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no apt-cache: not a Debian machine
        }
    }
}

/// <summary>A fact that skips, naming why, only where chromium is absent and cannot be installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.SkipReason is { } reason) Skip = reason;
    }
}
