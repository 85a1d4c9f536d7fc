namespace Reference.Tls;

/// <summary>TLS record content types (RFC 8446 §5.1). A closed set.</summary>
internal enum ContentType : byte
{
    Invalid = 0,
    ChangeCipherSpec = 20,
    Alert = 21,
    Handshake = 22,
    ApplicationData = 23,
}

/// <summary>Handshake message types (RFC 8446 §4).</summary>
//= https://www.rfc-editor.org/rfc/rfc8446#appendix-B
//# TLS 1.3 implementations MUST NOT send them but might receive them
//# from older TLS implementations.
// Only TLS 1.3's types are named here, and the engine sends only named types: no *_RESERVED one
// (hello_request, server_key_exchange, ...) can be sent; received, they are unexpected_message.
internal enum HandshakeType : byte
{
    ClientHello = 1,
    ServerHello = 2,
    NewSessionTicket = 4,
    EndOfEarlyData = 5,
    EncryptedExtensions = 8,
    Certificate = 11,
    CertificateRequest = 13,
    CertificateVerify = 15,
    Finished = 20,
    KeyUpdate = 24,
    MessageHash = 254,
}

/// <summary>Extension code points (RFC 8446 §4.2). Open: unknown values are kept as numbers.</summary>
internal enum ExtensionType : ushort
{
    ServerName = 0,
    MaxFragmentLength = 1,
    StatusRequest = 5,
    SupportedGroups = 10,
    EcPointFormats = 11,
    SignatureAlgorithms = 13,
    UseSrtp = 14,
    Heartbeat = 15,
    ApplicationLayerProtocolNegotiation = 16,
    SignedCertificateTimestamp = 18,
    ClientCertificateType = 19,
    ServerCertificateType = 20,
    Padding = 21,
    EncryptThenMac = 22,
    ExtendedMasterSecret = 23,
    SessionTicket = 35,
    PreSharedKey = 41,
    EarlyData = 42,
    SupportedVersions = 43,
    Cookie = 44,
    PskKeyExchangeModes = 45,
    CertificateAuthorities = 47,
    OidFilters = 48,
    PostHandshakeAuth = 49,
    SignatureAlgorithmsCert = 50,
    KeyShare = 51,
    RenegotiationInfo = 0xff01,
}

/// <summary>Named groups for key exchange (RFC 8446 §4.2.7). Open registry.</summary>
public enum NamedGroup : ushort
{
    /// <summary>secp256r1 (RFC 8446 §4.2.7).</summary>
    Secp256r1 = 0x0017,
    /// <summary>secp384r1 (RFC 8446 §4.2.7).</summary>
    Secp384r1 = 0x0018,
    /// <summary>secp521r1 (RFC 8446 §4.2.7).</summary>
    Secp521r1 = 0x0019,
    /// <summary>x25519 (RFC 8446 §4.2.7).</summary>
    X25519 = 0x001D,
    /// <summary>x448 (RFC 8446 §4.2.7).</summary>
    X448 = 0x001E,

    /// <summary>Pure ML-KEM-1024 (draft-connolly-tls-mlkem-key-agreement), as s2n's CNSA 2.0 policies use it.</summary>
    MlKem1024 = 0x0202,

    /// <summary>Hybrid secp256r1 + ML-KEM-768 (draft-ietf-tls-ecdhe-mlkem).</summary>
    SecP256r1MlKem768 = 0x11EB,

    /// <summary>Hybrid X25519 + ML-KEM-768 (draft-ietf-tls-ecdhe-mlkem); the ML-KEM part comes first.</summary>
    X25519MlKem768 = 0x11EC,

    /// <summary>Hybrid secp384r1 + ML-KEM-1024 (draft-ietf-tls-ecdhe-mlkem).</summary>
    SecP384r1MlKem1024 = 0x11ED,
}

/// <summary>Signature schemes (RFC 8446 §4.2.3). Open registry.</summary>
public enum SignatureScheme : ushort
{
    /// <summary>rsa_pkcs1_sha256 (RFC 8446 §4.2.3).</summary>
    RsaPkcs1Sha256 = 0x0401,
    /// <summary>rsa_pkcs1_sha384 (RFC 8446 §4.2.3).</summary>
    RsaPkcs1Sha384 = 0x0501,
    /// <summary>rsa_pkcs1_sha512 (RFC 8446 §4.2.3).</summary>
    RsaPkcs1Sha512 = 0x0601,
    /// <summary>ecdsa_secp256r1_sha256 (RFC 8446 §4.2.3).</summary>
    EcdsaSecp256r1Sha256 = 0x0403,
    /// <summary>ecdsa_secp384r1_sha384 (RFC 8446 §4.2.3).</summary>
    EcdsaSecp384r1Sha384 = 0x0503,
    /// <summary>ecdsa_secp521r1_sha512 (RFC 8446 §4.2.3).</summary>
    EcdsaSecp521r1Sha512 = 0x0603,
    /// <summary>rsa_pss_rsae_sha256 (RFC 8446 §4.2.3).</summary>
    RsaPssRsaeSha256 = 0x0804,
    /// <summary>rsa_pss_rsae_sha384 (RFC 8446 §4.2.3).</summary>
    RsaPssRsaeSha384 = 0x0805,
    /// <summary>rsa_pss_rsae_sha512 (RFC 8446 §4.2.3).</summary>
    RsaPssRsaeSha512 = 0x0806,
    /// <summary>ed25519 (RFC 8446 §4.2.3).</summary>
    Ed25519 = 0x0807,
    /// <summary>ed448 (RFC 8446 §4.2.3).</summary>
    Ed448 = 0x0808,
    /// <summary>rsa_pss_pss_sha256 (RFC 8446 §4.2.3).</summary>
    RsaPssPssSha256 = 0x0809,
    /// <summary>rsa_pss_pss_sha384 (RFC 8446 §4.2.3).</summary>
    RsaPssPssSha384 = 0x080a,
    /// <summary>rsa_pss_pss_sha512 (RFC 8446 §4.2.3).</summary>
    RsaPssPssSha512 = 0x080b,
    /// <summary>rsa_pkcs1_sha1 (RFC 8446 §4.2.3).</summary>
    RsaPkcs1Sha1 = 0x0201,
    /// <summary>ecdsa_sha1 (RFC 8446 §4.2.3).</summary>
    EcdsaSha1 = 0x0203,
}

/// <summary>TLS 1.3 cipher suites (RFC 8446 §B.4).</summary>
public enum CipherSuite : ushort
{
    /// <summary>TLS_AES_128_GCM_SHA256 (RFC 8446 Appendix B.4).</summary>
    TlsAes128GcmSha256 = 0x1301,
    /// <summary>TLS_AES_256_GCM_SHA384 (RFC 8446 Appendix B.4).</summary>
    TlsAes256GcmSha384 = 0x1302,
    /// <summary>TLS_CHACHA20_POLY1305_SHA256 (RFC 8446 Appendix B.4).</summary>
    TlsChacha20Poly1305Sha256 = 0x1303,
}

internal static class ProtocolVersion
{
    public const ushort Tls10 = 0x0301;
    public const ushort Tls12 = 0x0303;
    public const ushort Tls13 = 0x0304;
}
