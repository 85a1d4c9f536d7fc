namespace Reference.Tls;

/// <summary>TLS alert descriptions (RFC 8446 §6). Unknown values survive as their number.</summary>
//= https://www.rfc-editor.org/rfc/rfc8446#appendix-B
//# TLS 1.3 implementations MUST NOT send them but might receive them
//# from older TLS implementations.
// No *_RESERVED alert (decryption_failed, no_certificate, ...) is named here, and the engine sends only
// alerts it names; a received one is still treated as a fatal error alert.
public enum AlertDescription : byte
{
    CloseNotify = 0,
    UnexpectedMessage = 10,
    BadRecordMac = 20,
    RecordOverflow = 22,
    HandshakeFailure = 40,
    BadCertificate = 42,
    UnsupportedCertificate = 43,
    CertificateRevoked = 44,
    CertificateExpired = 45,
    CertificateUnknown = 46,
    IllegalParameter = 47,
    UnknownCa = 48,
    AccessDenied = 49,
    DecodeError = 50,
    DecryptError = 51,
    ProtocolVersion = 70,
    InsufficientSecurity = 71,
    InternalError = 80,
    InappropriateFallback = 86,
    UserCanceled = 90,
    MissingExtension = 109,
    UnsupportedExtension = 110,
    UnrecognizedName = 112,
    BadCertificateStatusResponse = 113,
    UnknownPskIdentity = 115,
    CertificateRequired = 116,
    NoApplicationProtocol = 120,
}

internal enum AlertLevel : byte
{
    Warning = 1,
    Fatal = 2,
}
