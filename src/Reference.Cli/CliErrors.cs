using System.Net.Sockets;
using System.Security.Cryptography;
using Reference.Tls;

namespace Reference.Cli;

/// <summary>The CLI's exit codes: one per kind of failure, so scripts can tell them apart.</summary>
internal static class ExitCode
{
    public const int Ok = 0;
    public const int Tls = 1;
    public const int Usage = 2;
    public const int Config = 3;
    public const int Network = 4;
    public const int Timeout = 5;
    public const int Truncated = 6;
    public const int CertificateRejected = 7;
    public const int Internal = 70;

    public const string Help = """
        exit codes: 0 done (close_notify both ways), 1 TLS failure (alert sent or received), 2 usage,
          3 unusable file or setting, 4 network (refused, unreachable, address in use), 5 timeout,
          6 peer closed without close_notify, 7 peer certificate rejected, 70 internal error
        """;
}

/// <summary>A failure the CLI reports in one line with its own exit code.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Turns any failure into one line on stderr and an exit code; never a stack trace.</summary>
internal static class CliErrors
{
    private static readonly HashSet<AlertDescription> CertificateAlerts =
    [
        AlertDescription.BadCertificate, AlertDescription.UnsupportedCertificate, AlertDescription.CertificateRevoked,
        AlertDescription.CertificateExpired, AlertDescription.CertificateUnknown, AlertDescription.UnknownCa,
    ];

    public static (int Code, string Line) Describe(Exception e) => e switch
    {
        CliException c => (c.ExitCode, c.Message),
        TlsException t => DescribeTls(t),
        SocketException s => (ExitCode.Network, $"network error: {s.Message} ({s.SocketErrorCode})"),
        TimeoutException t => (ExitCode.Timeout, $"timeout: {t.Message}"),
        IOException io when io.InnerException is SocketException s => (ExitCode.Network, $"network error: {s.Message} ({s.SocketErrorCode})"),
        IOException or UnauthorizedAccessException => (ExitCode.Config, $"file error: {e.Message}"),
        InvalidOperationException { InnerException: IOException } u => (ExitCode.Config, u.Message),
        ArgumentException a => (ExitCode.Usage, a.Message),
        CryptographicException => (ExitCode.Config, $"could not use a key or certificate: {e.Message}"),
        _ => (ExitCode.Internal, $"internal error ({e.GetType().Name}): {e.Message}"),
    };

    private static (int, string) DescribeTls(TlsException t)
    {
        string alert = t.Alert is { } a ? $", alert {a}{(t.AlertFromPeer ? " from peer" : " sent")}" : "";
        string line = $"TLS error [{t.ErrorType}{alert}]: {t.Message}";
        return t switch
        {
            { ErrorType: TlsErrorType.Usage } => (ExitCode.Config, line),
            { ErrorType: TlsErrorType.Closed } => (ExitCode.Truncated, line),
            { ErrorType: TlsErrorType.IO, InnerException: IOException { InnerException: SocketException } or SocketException } => (ExitCode.Network, line),
            { Alert: { } a2, AlertFromPeer: false } when CertificateAlerts.Contains(a2) => (ExitCode.CertificateRejected, line),
            _ => (ExitCode.Tls, line),
        };
    }
}
