using Reference.Tls.Extensions;
using Reference.Tls.Wire;

namespace Reference.Tls.Handshake.Messages;

/// <summary>ClientHello (RFC 8446 §4.1.2).</summary>
internal sealed class ClientHello
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# In TLS 1.3, the client indicates its version preferences in the
    //# "supported_versions" extension (Section 4.2.1) and the legacy_version
    //# field MUST be set to 0x0303, which is the version number for TLS 1.2.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //# Implementations MUST NOT send a ClientHello.legacy_version or
    //# ServerHello.legacy_version set to 0x0300 or less.
    public ushort LegacyVersion { get; init; } = ProtocolVersion.Tls12;

    public required byte[] Random { get; init; }

    public required byte[] LegacySessionId { get; init; }

    public required List<ushort> CipherSuites { get; init; }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //# For every TLS 1.3 ClientHello, this vector MUST contain exactly one
    //# byte, set to zero, which corresponds to the "null" compression method in
    //# prior versions of TLS.
    public byte[] LegacyCompressionMethods { get; init; } = [0];

    public required List<Extension> Extensions { get; init; }

    public static ClientHello Parse(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        var version = r.ReadU16();
        var random = r.ReadBytes(32).ToArray();
        var sessionId = r.ReadVector8(0, 32).ToArray();
        var suitesReader = r.Sub16(2, 0xFFFE);
        var suites = new List<ushort>();
        while (suitesReader.Remaining >= 2)
        {
            suites.Add(suitesReader.ReadU16());
        }

        suitesReader.ExpectEnd("cipher_suites");
        var compression = r.ReadVector8(1).ToArray();
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
        //# TLS 1.3 servers might receive ClientHello messages without an
        //# extensions field from prior versions of TLS.
        var extensions = r.IsEmpty ? [] : ExtensionBlock.Read(ref r, ExtensionContext.ClientHello);
        r.ExpectEnd("ClientHello");
        return new ClientHello
        {
            LegacyVersion = version, Random = random, LegacySessionId = sessionId,
            CipherSuites = suites, LegacyCompressionMethods = compression, Extensions = extensions,
        };
    }

    public void Write(TlsWriter w)
    {
        w.WriteU16(LegacyVersion);
        w.WriteBytes(Random);
        w.WriteVector8(LegacySessionId);
        var m = w.BeginVector(2);
        foreach (var s in CipherSuites)
        {
            w.WriteU16(s);
        }

        w.EndVector(m);
        w.WriteVector8(LegacyCompressionMethods);
        ExtensionBlock.Write(w, Extensions);
    }
}

/// <summary>ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4): one wire structure.</summary>
internal sealed class ServerHello
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //# For reasons of backward compatibility with middleboxes (see
    //# Appendix D.4), the HelloRetryRequest message uses the same structure
    //# as the ServerHello, but with Random set to the special value of the
    //# SHA-256 of "HelloRetryRequest":
    public static readonly byte[] HelloRetryRequestRandom = Convert.FromHexString(
        "CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
    //# In TLS 1.3, the TLS server indicates its version using the
    //# "supported_versions" extension (Section 4.2.1), and the legacy_version
    //# field MUST be set to 0x0303, which is the version number for TLS 1.2.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
    //# It MUST set the ServerHello.legacy_version field to 0x0303 (TLS 1.2).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
    //# Implementations MUST NOT send a ClientHello.legacy_version or
    //# ServerHello.legacy_version set to 0x0300 or less.
    public ushort LegacyVersion { get; init; } = ProtocolVersion.Tls12;

    public required byte[] Random { get; init; }

    public required byte[] LegacySessionIdEcho { get; init; }

    public required ushort CipherSuite { get; init; }

    public byte LegacyCompressionMethod { get; init; }

    public required List<Extension> Extensions { get; init; }

    public bool IsHelloRetryRequest => Random.AsSpan().SequenceEqual(HelloRetryRequestRandom);

    public static ServerHello Parse(ReadOnlySpan<byte> body)
    {
        var r = new TlsReader(body);
        var version = r.ReadU16();
        var random = r.ReadBytes(32).ToArray();
        var sessionId = r.ReadVector8(0, 32).ToArray();
        var suite = r.ReadU16();
        var compression = r.ReadU8();
        bool hrr = random.AsSpan().SequenceEqual(HelloRetryRequestRandom);
        var extensions = ExtensionBlock.Read(ref r, hrr ? ExtensionContext.HelloRetryRequest : ExtensionContext.ServerHello);
        r.ExpectEnd("ServerHello");
        return new ServerHello
        {
            LegacyVersion = version, Random = random, LegacySessionIdEcho = sessionId,
            CipherSuite = suite, LegacyCompressionMethod = compression, Extensions = extensions,
        };
    }

    public void Write(TlsWriter w)
    {
        w.WriteU16(LegacyVersion);
        w.WriteBytes(Random);
        w.WriteVector8(LegacySessionIdEcho);
        w.WriteU16(CipherSuite);
        w.WriteU8(LegacyCompressionMethod);
        ExtensionBlock.Write(w, Extensions);
    }
}
