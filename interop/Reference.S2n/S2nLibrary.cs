using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Reference.S2n;

/// <summary>
/// Finds, loads and initialises the real C s2n-tls shared library once per process.
/// Location order: the S2N_LIBRARY environment variable, else the project's
/// <c>interop/get-s2n</c> script run into <c>&lt;repo&gt;/.s2n</c> (it downloads aws-crt from the npm registry once).
/// A missing library is an error, never a silent skip: interop tests must fail loudly.
/// </summary>
public static class S2nLibrary
{
    private static readonly object Gate = new();
    private static nint _handle;
    private static string? _path;
    private static Exception? _failure;

    /// <summary>Absolute path of the loaded libs2n.so (initialises on first use).</summary>
    public static string LibraryPath
    {
        get { EnsureInitialized(); return _path!; }
    }

    /// <summary>Version of the aws-crt package the library came from, or "unknown".</summary>
    public static string PackageVersion
    {
        get
        {
            string file = Path.Combine(Path.GetDirectoryName(LibraryPath)!, "version");
            return File.Exists(file) ? File.ReadAllText(file).Trim() : "unknown";
        }
    }

    /// <summary>OpenSSL-style version number of the libcrypto s2n was built against (AWS-LC).</summary>
    public static ulong LibcryptoVersion
    {
        get { EnsureInitialized(); return S2nNative.s2n_get_openssl_version(); }
    }

    /// <summary>One line for logs: where the library is and what it is.</summary>
    public static string Describe() =>
        $"s2n-tls from aws-crt {PackageVersion} (libcrypto 0x{LibcryptoVersion:x}) at {LibraryPath}";

    /// <summary>Loads and initialises s2n once; throws <see cref="InvalidOperationException"/> if unavailable.</summary>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_failure is not null)
                throw new InvalidOperationException("C s2n-tls is unavailable: " + _failure.Message, _failure);
            if (_handle != 0)
                return;
            try
            {
                Initialize();
            }
            catch (Exception e)
            {
                _failure = e;
                throw new InvalidOperationException("C s2n-tls is unavailable: " + e.Message, e);
            }
        }
    }

    private static void Initialize()
    {
        string path = LocateLibrary();
        nint handle = NativeLibrary.Load(path);
        NativeLibrary.SetDllImportResolver(typeof(S2nLibrary).Assembly, Resolve);
        _handle = handle;
        _path = path;
        // s2n mlocks secret memory unless told not to; locked-memory limits in
        // containers are small, so disable it. Must go through libc: .NET's
        // Environment.SetEnvironmentVariable does not change the native environment.
        if (LibC.setenv("S2N_DONT_MLOCK", "1", 1) != 0)
            throw new InvalidOperationException("setenv(S2N_DONT_MLOCK) failed");
        if (S2nNative.s2n_init() != S2nNative.Success)
            throw S2nException.FromLastError("s2n_init");
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == S2nNative.Lib)
            return _handle;
        if (name == "libc")
            return NativeLibrary.Load("libc.so.6");
        return 0;
    }

    private static string LocateLibrary()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("S2N_LIBRARY");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            if (!File.Exists(fromEnv))
                throw new FileNotFoundException($"S2N_LIBRARY points to a missing file: {fromEnv}");
            return Path.GetFullPath(fromEnv);
        }
        string repo = FindRepositoryRoot();
        string script = Path.Combine(repo, "interop", "get-s2n");
        if (!File.Exists(script))
            throw new FileNotFoundException($"neither S2N_LIBRARY is set nor {script} exists");
        return RunFetchScript(script, Path.Combine(repo, ".s2n"));
    }

    /// <summary>
    /// Walks up from the running assembly, then from the working directory (an installed `reference` tool run
    /// inside a clone), to the folder holding Reference.sln.
    /// </summary>
    internal static string FindRepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Reference.sln")))
                    return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException(
            "S2N_LIBRARY is not set and there is no Reference clone here to fetch C s2n-tls with; " +
            "run `bash interop/get-s2n` in a clone and set S2N_LIBRARY to the path it prints");
    }

    private static string RunFetchScript(string script, string outDir)
    {
        Directory.CreateDirectory(outDir);
        // Test processes of several projects may start at once; the script is not
        // safe to run concurrently into one folder, so serialise on a lock file.
        using var lockFile = AcquireLock(Path.Combine(outDir, ".lock"));
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(outDir);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within 10 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} exited {process.ExitCode}: {stderr.Result.Trim()}");
        string last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault() ?? "";
        if (!File.Exists(last))
            throw new FileNotFoundException($"{script} printed no library path (got '{last}')");
        return last;
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another process holds it; it releases when its script ends.
                Thread.Sleep(200);
            }
        }
    }
}
