namespace Reference.Tls;

/// <summary>The class of a failure, as s2n-tls groups its error codes (s2n_error_get_type).</summary>
public enum TlsErrorType
{
    /// <summary>The operation needs more input or output space; retry after the I/O happens.</summary>
    Blocked,
    /// <summary>The connection was closed (close_notify received or sent, or the transport ended).</summary>
    Closed,
    /// <summary>The underlying transport failed.</summary>
    IO,
    /// <summary>The peer violated the protocol; a fatal alert was sent.</summary>
    Protocol,
    /// <summary>The peer sent a fatal alert.</summary>
    Alert,
    /// <summary>The caller used the API incorrectly or configured something unsupported.</summary>
    Usage,
    /// <summary>A bug or an unexpected failure inside the engine.</summary>
    Internal,
}
