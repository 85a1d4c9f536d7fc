namespace Reference.Tls;

/// <summary>
/// The only exception type that leaves the engine. It carries the s2n-like error class and, when one
/// was sent or received, the alert. Messages never contain key material.
/// </summary>
public sealed class TlsException : Exception
{
    internal TlsException(TlsErrorType type, string message, AlertDescription? alert = null, bool alertFromPeer = false, Exception? inner = null)
        : base(message, inner)
    {
        ErrorType = type;
        Alert = alert;
        AlertFromPeer = alertFromPeer;
    }

    /// <summary>The error class (s2n_error_get_type).</summary>
    public TlsErrorType ErrorType { get; }

    /// <summary>The alert sent to the peer (or received from it when <see cref="AlertFromPeer"/>), if any.</summary>
    public AlertDescription? Alert { get; }

    /// <summary>True when <see cref="Alert"/> was received from the peer rather than sent by us.</summary>
    public bool AlertFromPeer { get; }

    /// <summary>The error type, the alert and the message (never secrets).</summary>
    public override string ToString() =>
        Alert is { } a ? $"{GetType().FullName} [{ErrorType}, alert {a}{(AlertFromPeer ? " from peer" : " sent")}]: {Message}" : $"{GetType().FullName} [{ErrorType}]: {Message}";
}
