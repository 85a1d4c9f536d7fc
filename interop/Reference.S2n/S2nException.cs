namespace Reference.S2n;

/// <summary>s2n_error_type values (api/s2n.h), as returned by s2n_error_get_type.</summary>
public enum S2nErrorType
{
    Ok = 0,
    IO = 1,
    Closed = 2,
    Blocked = 3,
    Alert = 4,
    Protocol = 5,
    Internal = 6,
    Usage = 7,
}

/// <summary>A failed s2n-tls call, with what s2n reported about it.</summary>
public sealed class S2nException : Exception
{
    /// <summary>The call that failed, e.g. "s2n_negotiate".</summary>
    public string Operation { get; }

    /// <summary>s2n_errno at the failure.</summary>
    public int ErrorCode { get; }

    /// <summary>s2n's symbolic name, e.g. "S2N_ERR_CERT_UNTRUSTED".</summary>
    public string ErrorName { get; }

    /// <summary>s2n's debug string: the source location that raised it.</summary>
    public string Debug { get; }

    /// <summary>s2n_error_get_type of the error.</summary>
    public S2nErrorType ErrorType { get; }

    /// <summary>The alert s2n would send for this error (TLS description code), if any.</summary>
    public int? Alert { get; }

    /// <summary>The alert received from the peer (s2n_connection_get_alert), if this was one.</summary>
    public int? PeerAlert { get; }

    /// <summary>Readable name of <see cref="PeerAlert"/> or else <see cref="Alert"/>.</summary>
    public string? AlertName => AlertNames.Name(PeerAlert ?? Alert);

    internal S2nException(string operation, int code, string name, string message, string debug,
        S2nErrorType type, int? alert, int? peerAlert, Exception? inner)
        : base($"{operation} failed: {name}: {message}" +
               (peerAlert is int p ? $" (peer alert {AlertNames.Name(p)})" : "") + $" [{debug}]", inner)
    {
        Operation = operation;
        ErrorCode = code;
        ErrorName = name;
        Debug = debug;
        ErrorType = type;
        Alert = alert;
        PeerAlert = peerAlert;
    }

    /// <summary>Builds the exception from s2n_errno of the calling thread; call right after the failure.</summary>
    internal static unsafe S2nException FromLastError(string operation, nint conn = 0, Exception? inner = null)
    {
        int code = S2nNative.LastError;
        var type = (S2nErrorType)S2nNative.s2n_error_get_type(code);
        byte lang = 0;
        string name = S2nNative.Utf8(S2nNative.s2n_strerror_name(code)) ?? "S2N_ERR_UNKNOWN";
        string message = S2nNative.Utf8(S2nNative.s2n_strerror(code, &lang)) ?? "";
        string debug = S2nNative.Utf8(S2nNative.s2n_strerror_debug(code, &lang)) ?? "";
        byte alertCode;
        int? alert = S2nNative.s2n_error_get_alert(code, &alertCode) == S2nNative.Success ? alertCode : null;
        int? peerAlert = null;
        if (conn != 0 && type == S2nErrorType.Alert)
        {
            int received = S2nNative.s2n_connection_get_alert(conn);
            peerAlert = received >= 0 ? received : null;
        }
        return new S2nException(operation, code, name, message, debug, type, alert, peerAlert, inner);
    }
}

/// <summary>TLS AlertDescription names (RFC 8446 section 6) for messages.</summary>
internal static class AlertNames
{
    internal static string? Name(int? code) => code switch
    {
        null => null,
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        int other => "alert_" + other,
    };
}
