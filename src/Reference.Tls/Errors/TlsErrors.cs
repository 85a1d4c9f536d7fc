namespace Reference.Tls;

/// <summary>
/// Factory for the engine's exceptions: the one place that pairs a violation with its error class and
/// alert, so callers name what went wrong and never pick alerts ad hoc.
/// </summary>
internal static class TlsErrors
{
    /// <summary>The peer's bytes are malformed: RFC 8446 §6.2 decode_error.</summary>
    public static TlsException Decode(string what) => Protocol(AlertDescription.DecodeError, what);

    public static TlsException Unexpected(string what) => Protocol(AlertDescription.UnexpectedMessage, what);

    public static TlsException IllegalParameter(string what) => Protocol(AlertDescription.IllegalParameter, what);

    public static TlsException Protocol(AlertDescription alert, string what) =>
        new(TlsErrorType.Protocol, what, alert);

    public static TlsException Usage(string what) => new(TlsErrorType.Usage, what);

    public static TlsException Internal(string what, Exception? inner = null) =>
        new(TlsErrorType.Internal, what, AlertDescription.InternalError, inner: inner);

    public static TlsException PeerAlert(AlertDescription alert) =>
        new(TlsErrorType.Alert, $"peer sent fatal alert {alert}", alert, alertFromPeer: true);

    public static TlsException Closed(string what) => new(TlsErrorType.Closed, what);

    public static TlsException Blocked(string what) => new(TlsErrorType.Blocked, what);

    public static TlsException IO(string what, Exception? inner = null) => new(TlsErrorType.IO, what, inner: inner);
}
