using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Reference.Tls.Tests.Oracle;

namespace Reference.Tls.Tests.Cli;

/// <summary>
/// The built `reference` CLI (or another program) as a child process with stdin, stdout and stderr connected.
/// Disposing kills it if it is still running, so a failed test never leaves one behind.
/// </summary>
internal sealed partial class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CliProcess(Process process) => _process = process;

    public static string CertificateDir => Path.Combine(OracleFiles.RepositoryRoot, "interop", "certificates");

    public static string Cert(string name) => Path.Combine(CertificateDir, name);

    public static CliProcess StartCli(params string[] args) => Start("dotnet", [OracleFiles.CliDll, .. args]);

    public static CliProcess Start(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info };
        var wrapper = new CliProcess(process);
        process.OutputDataReceived += (_, e) => wrapper.Append(wrapper._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => wrapper.Append(wrapper._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Runs the CLI with <paramref name="stdin"/> to completion.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        using var p = StartCli(args);
        await p.WriteAndCloseAsync(stdin);
        int code = await p.WaitAsync(TimeSpan.FromSeconds(60));
        return (code, p.Stdout, p.Stderr);
    }

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    public async Task WriteAndCloseAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        _process.StandardInput.Close();
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_process.StartInfo.FileName} did not exit in {timeout.TotalSeconds} s\n--- stderr\n{Stderr}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>A server started with --port 0: waits for its "listening on ADDRESS:PORT" line.</summary>
    public async Task<int> ListeningPortAsync()
    {
        for (int i = 0; i < 300; i++)
        {
            if (ListeningLine().Match(Stderr) is { Success: true } m)
            {
                return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }

            Assert.False(_process.HasExited, $"the server exited: {Stderr}");
            await Task.Delay(100);
        }

        throw new TimeoutException($"the server did not listen in 30 s: {Stderr}");
    }

    /// <summary>Sends a POSIX signal (TERM, INT) to the process, as a user or a service manager stops it.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(StringBuilder to, string? line)
    {
        if (line is not null)
        {
            lock (to)
            {
                to.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder from)
    {
        lock (from)
        {
            return from.ToString();
        }
    }

    [GeneratedRegex(@"listening on [^\s]*:(\d+) ")]
    private static partial Regex ListeningLine();
}
