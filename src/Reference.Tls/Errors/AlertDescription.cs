namespace Reference.Tls;

/// <summary>TLS alert descriptions (RFC 8446 §6). Unknown values survive as their number.</summary>
//= https://www.rfc-editor.org/rfc/rfc8446#appendix-B
//# TLS 1.3 implementations MUST NOT send them but might receive them
//# from older TLS implementations.
// No *_RESERVED alert (decryption_failed, no_certificate, ...) is named here, and the engine sends only
// alerts it names; a received one is still treated as a fatal error alert.
public enum AlertDescription : byte
{
    /// <summary>close_notify (RFC 8446 §6).</summary>
    CloseNotify = 0,
    /// <summary>unexpected_message (RFC 8446 §6).</summary>
    UnexpectedMessage = 10,
    /// <summary>bad_record_mac (RFC 8446 §6).</summary>
    BadRecordMac = 20,
    /// <summary>record_overflow (RFC 8446 §6).</summary>
    RecordOverflow = 22,
    /// <summary>handshake_failure (RFC 8446 §6).</summary>
    HandshakeFailure = 40,
    /// <summary>bad_certificate (RFC 8446 §6).</summary>
    BadCertificate = 42,
    /// <summary>unsupported_certificate (RFC 8446 §6).</summary>
    UnsupportedCertificate = 43,
    /// <summary>certificate_revoked (RFC 8446 §6).</summary>
    CertificateRevoked = 44,
    /// <summary>certificate_expired (RFC 8446 §6).</summary>
    CertificateExpired = 45,
    /// <summary>certificate_unknown (RFC 8446 §6).</summary>
    CertificateUnknown = 46,
    /// <summary>illegal_parameter (RFC 8446 §6).</summary>
    IllegalParameter = 47,
    /// <summary>unknown_ca (RFC 8446 §6).</summary>
    UnknownCa = 48,
    /// <summary>access_denied (RFC 8446 §6).</summary>
    AccessDenied = 49,
    /// <summary>decode_error (RFC 8446 §6).</summary>
    DecodeError = 50,
    /// <summary>decrypt_error (RFC 8446 §6).</summary>
    DecryptError = 51,
    /// <summary>protocol_version (RFC 8446 §6).</summary>
    ProtocolVersion = 70,
    /// <summary>insufficient_security (RFC 8446 §6).</summary>
    InsufficientSecurity = 71,
    /// <summary>internal_error (RFC 8446 §6).</summary>
    InternalError = 80,
    /// <summary>inappropriate_fallback (RFC 8446 §6).</summary>
    InappropriateFallback = 86,
    /// <summary>user_canceled (RFC 8446 §6).</summary>
    UserCanceled = 90,
    /// <summary>missing_extension (RFC 8446 §6).</summary>
    MissingExtension = 109,
    /// <summary>unsupported_extension (RFC 8446 §6).</summary>
    UnsupportedExtension = 110,
    /// <summary>unrecognized_name (RFC 8446 §6).</summary>
    UnrecognizedName = 112,
    /// <summary>bad_certificate_status_response (RFC 8446 §6).</summary>
    BadCertificateStatusResponse = 113,
    /// <summary>unknown_psk_identity (RFC 8446 §6).</summary>
    UnknownPskIdentity = 115,
    /// <summary>certificate_required (RFC 8446 §6).</summary>
    CertificateRequired = 116,
    /// <summary>no_application_protocol (RFC 8446 §6).</summary>
    NoApplicationProtocol = 120,
}

internal enum AlertLevel : byte
{
    Warning = 1,
    Fatal = 2,
}
