using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Z3;

namespace Reference.Proofs;

/// <summary>
/// Points the Microsoft.Z3 wrapper at a native libz3. The NuGet package ships none for Linux, so we use
/// the shim over Debian's libz3-4 that proofs/get-z3 builds. Any failure here throws: a proof
/// that cannot run must fail, never pass or skip.
/// </summary>
internal static class Z3Native
{
    private static readonly Lazy<string?> Shim = new(FindShim, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _registered;

    /// <summary>Installs the resolver once; returns the native library path in use (null: the package's own).</summary>
    public static string? EnsureLoaded()
    {
        var path = Shim.Value;
        if (path is not null && Interlocked.Exchange(ref _registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly,
                (name, _, _) => name == "libz3" ? NativeLibrary.Load(path) : IntPtr.Zero);
        }

        return path;
    }

    /// <summary>Budget for one Z3 session's managed allocations; a session never comes near it.</summary>
    private const long NoGcBudget = 200L * 1024 * 1024;
    private static readonly Lock Gate = new();

    /// <summary>
    /// Runs Z3 work with no garbage collection during it, one session at a time. The managed wrapper
    /// releases native objects from finalizers on the finalizer thread; Z3 4.12 makes that safe with
    /// concurrent dec-ref, but Debian's 4.8 (behind the shim) does not, and a finalizer racing the
    /// solver corrupts its heap. So: no GC, hence no finalizer, while a context is in use; pending
    /// finalizers are drained before and after, while nothing else touches Z3.
    /// </summary>
    public static T Run<T>(Func<T> work)
    {
        EnsureLoaded();
        lock (Gate)
        {
            DrainFinalizers();
            if (!GC.TryStartNoGCRegion(NoGcBudget))
            {
                throw new InvalidOperationException("could not suspend garbage collection for a Z3 session");
            }

            try
            {
                var result = work();
                if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
                {
                    throw new InvalidOperationException("a garbage collection ran during a Z3 session; its results are not trusted");
                }

                return result;
            }
            finally
            {
                if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                {
                    GC.EndNoGCRegion();
                }

                DrainFinalizers();
            }
        }
    }

    private static void DrainFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static string? FindShim()
    {
        var fromEnv = Environment.GetEnvironmentVariable("Z3_SHIM");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv) ? fromEnv : throw new InvalidOperationException($"Z3_SHIM={fromEnv} does not exist");
        }

        if (!OperatingSystem.IsLinux())
        {
            return null; // the NuGet package carries libz3 for Windows and macOS
        }

        var repo = RepoRoot.Find();
        var script = Path.Combine(repo, "proofs", "get-z3");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Z3 shim script not found at {script} (set Z3_SHIM to a libz3.so)");
        }

        return RunScript(script, Path.Combine(repo, ".z3"));
    }

    private static string RunScript(string script, string outDir)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(outDir);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash for proofs/get-z3");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode != 0 || lines.Length == 0 || !File.Exists(lines[^1]))
        {
            throw new InvalidOperationException($"proofs/get-z3 failed (exit {process.ExitCode}): {stderr.Trim()}");
        }

        return lines[^1];
    }
}

/// <summary>Finds the repository root (the directory holding Reference.sln) from the running binary or the working directory.</summary>
internal static class RepoRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Reference.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Reference.sln not found above the running binary or working directory");
    }
}
