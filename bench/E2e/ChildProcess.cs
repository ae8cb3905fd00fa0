using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Bench.E2e;

/// <summary>
/// Runs a process to its end, keeping its output, wall time and peak resident memory. The peak is
/// VmHWM of /proc/&lt;pid&gt;/status, read every few milliseconds: it only grows, so the last read
/// before exit is within one interval of the true peak.
/// </summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, double WallSeconds, long PeakRssBytes);

    public static Result Run(ProcessStartInfo psi)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        var status = $"/proc/{p.Id}/status";
        while (!p.WaitForExit(20))
        {
            try
            {
                peak = Math.Max(peak, VmHwm(File.ReadAllText(status)));
            }
            catch (IOException)
            {
                // The process ended between the wait and the read.
            }
        }

        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result, clock.Elapsed.TotalSeconds, peak);
    }

    /// <summary>VmHWM of a /proc status file in bytes; 0 when absent.</summary>
    public static long VmHwm(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }

        return 0;
    }
}
