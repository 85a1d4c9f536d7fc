using System.Diagnostics;

namespace Reference.Interop;

/// <summary>One endpoint binary (interop/bin/IMPL-ROLE TEST_CASE PORT) with its output kept for the report.</summary>
internal sealed class EndpointProcess : IDisposable
{
    private const int KeptLines = 6;
    private readonly Process _process;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Queue<string> _lines = new();
    private readonly ManualResetEventSlim _listening = new();
    private TimeSpan? _elapsed;

    private readonly string _label;

    public EndpointProcess(string impl, string role, string scenario, int port)
    {
        _label = $"{scenario} {impl} {role}";
        string script = Path.Combine(CertificateFiles.RepositoryRoot(), "interop", "bin", $"{impl}-{role}");
        if (!File.Exists(script))
            throw new ArgumentException($"no endpoint binary {script}");
        var info = new ProcessStartInfo(script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(scenario);
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, stdout: true);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, stdout: false);
        _process.Exited += (_, _) => _listening.Set();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Wall time from start to exit (or until now if still running).</summary>
    public TimeSpan Elapsed => _elapsed ?? _clock.Elapsed;

    public string Log
    {
        get
        {
            lock (_lines)
                return string.Join(" / ", _lines);
        }
    }

    /// <summary>Our endpoints print "listening on PORT", openssl s_server prints "ACCEPT".</summary>
    public bool WaitUntilListening(TimeSpan timeout) => _listening.Wait(timeout) && !_process.HasExited;

    public bool WaitForExit(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        if (!_process.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            return false;
        _process.WaitForExit(); // drains the redirected output
        _elapsed ??= _clock.Elapsed;
        return true;
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private void OnLine(string? line, bool stdout)
    {
        if (line is null)
            return;
        if (stdout && (line.Contains("listening on", StringComparison.Ordinal) || line.StartsWith("ACCEPT", StringComparison.Ordinal)))
            _listening.Set();
        if (string.IsNullOrWhiteSpace(line))
            return;
        if (line.StartsWith("progress: ", StringComparison.Ordinal))
        {
            // Relayed live (a long download shows GB done, rate and ETA), not kept in the outcome's log.
            Console.Error.WriteLine($"    {_label} {line}");
            return;
        }
        lock (_lines)
        {
            _lines.Enqueue(line.Trim());
            while (_lines.Count > KeptLines)
                _lines.Dequeue();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
        _listening.Dispose();
    }
}
