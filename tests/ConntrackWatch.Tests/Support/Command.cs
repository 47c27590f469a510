using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ConntrackWatch.Tests.Support;

/// <summary>Runs a program (nft, ip, journalctl, conntrack) to completion and captures what it printed.</summary>
public static partial class Command
{
    public static Result Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Result(process.ExitCode, output, error.Result);
    }

    /// <summary>Like <see cref="Run"/>, but a non-zero exit throws with what the program said.</summary>
    public static string RunChecked(string file, params string[] args)
    {
        Result result = Run(file, args);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
    }

    /// <summary>One counter of `conntrack -S`, summed over its per-CPU lines.</summary>
    public static long SumConntrackStat(string conntrackS, string counter) =>
        Regex.Matches(conntrackS, $@"\b{counter}=(\d+)").Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    public sealed record Result(int ExitCode, string Output, string Error);
}
