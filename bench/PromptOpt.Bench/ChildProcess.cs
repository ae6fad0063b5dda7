using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PromptOpt.Bench;

/// <summary>
/// Runs a child process to completion (bounded by a timeout), capturing its output, and times it: wall time, and on Linux the
/// CPU time (user + system) of the child and the descendants it waited for (getrusage(RUSAGE_CHILDREN) before and after;
/// run one child at a time).
/// </summary>
internal static partial class ChildProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Wall, TimeSpan? Cpu);

    public static async Task<Result> RunAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }

        var cpuBefore = ChildrenCpu();
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Path.GetFileName(fileName)} did not finish within {timeout.TotalSeconds:F0} s");
        }

        sw.Stop();
        var cpuAfter = ChildrenCpu();
        return new Result(process.ExitCode, await stdout, await stderr, sw.Elapsed, cpuAfter - cpuBefore);
    }

    private static TimeSpan? ChildrenCpu()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        const int RusageChildren = -1;
        var usage = new long[18]; // struct rusage on 64-bit Linux: ru_utime, ru_stime (timeval = 2 longs each), 14 longs
        if (GetRusage(RusageChildren, usage) != 0)
        {
            return null;
        }

        return TimeSpan.FromSeconds(usage[0] + (usage[1] / 1e6) + usage[2] + (usage[3] / 1e6));
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, [Out] long[] usage);
}
