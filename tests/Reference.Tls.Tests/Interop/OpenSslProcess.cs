using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Reference.Tls.Tests.Interop;

/// <summary>
/// An `openssl` command-line child process (s_server / s_client) with its stdout read line by line. Disposing
/// kills it if it is still running, so a failed test never leaves one behind.
/// </summary>
internal sealed class OpenSslProcess : IAsyncDisposable
{
    internal const string Executable = "/usr/bin/openssl";

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OpenSslProcess(Process process) => _process = process;

    internal static OpenSslProcess Start(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var wrapper = new OpenSslProcess(process);
        process.OutputDataReceived += (_, e) => wrapper.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => wrapper.OnStderr(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {Executable}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    internal StreamWriter StandardInput => _process.StandardInput;

    /// <summary>Everything written to stdout and stderr so far (for assertions and failure messages).</summary>
    internal string Transcript
    {
        get
        {
            lock (_stdout)
            {
                return $"--- stdout\n{_stdout}--- stderr\n{_stderr}";
            }
        }
    }

    internal string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Waits for a stdout line that satisfies <paramref name="match"/> and returns it.</summary>
    internal async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await foreach (string line in _lines.Reader.ReadAllAsync(cts.Token))
            {
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"openssl printed no expected line within {timeout}\n{Transcript}");
        }

        throw new InvalidOperationException($"openssl closed stdout before the expected line\n{Transcript}");
    }

    /// <summary>Waits for the process to exit and its output to be drained; returns the exit code.</summary>
    internal async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"openssl did not exit within {timeout}\n{Transcript}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }

        _process.Dispose();
    }

    private void OnStdout(string? line)
    {
        if (line is null)
        {
            _lines.Writer.TryComplete();
            _stdoutClosed.TrySetResult();
            return;
        }

        lock (_stdout)
        {
            _stdout.Append(line).Append('\n');
        }

        _lines.Writer.TryWrite(line);
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            _stderrClosed.TrySetResult();
            return;
        }

        lock (_stdout)
        {
            _stderr.Append(line).Append('\n');
        }
    }
}
