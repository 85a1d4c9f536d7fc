using System.Diagnostics;

namespace Reference.Tls.Tests.Oracle;

/// <summary>Paths of the repository, the committed oracle corpus and the built CLI, and child processes.</summary>
internal static class OracleFiles
{
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Reference.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("repository root (Reference.sln) not found above the test assembly");
        }
    }

    public static string Corpus => Path.Combine(RepositoryRoot, "tests", "oracle-corpus");

    /// <summary>The `reference` CLI built in the same configuration as these tests.</summary>
    public static string CliDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(RepositoryRoot, "src", "Reference.Cli", "bin", configuration, "net10.0", "reference.dll");
        }
    }

    /// <summary>Runs a program to completion and returns its exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in 60 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
