namespace Reference.Proofs;

/// <summary>
/// Messages of the RFC 8446 handshake as seen in a trace, with the wire types that play two roles split
/// (ServerHello vs HelloRetryRequest vs a ServerHello carrying "pre_shared_key", EncryptedExtensions with
/// or without "early_data", Certificate with or without entries), plus application data. Written from RFC 8446 §2 and §4; engine messages are mapped
/// onto these by name.
/// </summary>
internal enum RfcMessage
{
    ClientHello,
    HelloRetryRequest,
    ServerHello,

    /// <summary>A ServerHello with the "pre_shared_key" extension: the server accepted a PSK (§2.2 Figure 3, §4.2.11).</summary>
    ServerHelloPsk,
    EncryptedExtensions,

    /// <summary>EncryptedExtensions with the "early_data" extension: the server accepted 0-RTT (§4.2.10, §4.5).</summary>
    EncryptedExtensionsEarlyData,
    CertificateRequest,
    Certificate,
    EmptyCertificate,
    CertificateVerify,
    Finished,
    EndOfEarlyData,
    NewSessionTicket,
    KeyUpdate,
    ApplicationData,
}

internal enum Party
{
    Client,
    Server,
}

/// <summary>Handshake-type features (as s2n's handshake type flags). A type fixes each to true or false.</summary>
internal enum Feature
{
    /// <summary>The server answered the first ClientHello with a HelloRetryRequest.</summary>
    Hrr,

    /// <summary>The server sent a CertificateRequest.</summary>
    ClientAuth,

    /// <summary>The client answered the CertificateRequest with a non-empty Certificate.</summary>
    ClientCert,

    /// <summary>Resumption / external PSK: no server certificate.</summary>
    Psk,

    /// <summary>0-RTT: the client sends application data before its second flight and then EndOfEarlyData.</summary>
    EarlyData,

    /// <summary>0.5-RTT: the server sends application data or KeyUpdate after its Finished, before the client's Finished.</summary>
    HalfRtt,
}

/// <summary>A guard literal: the feature must have this value for the rule to apply.</summary>
internal readonly record struct Literal(Feature Feature, bool Value);

/// <summary>One move of one role's machine: in <c>From</c>, <c>Message</c> sent by <c>Sender</c> (this role or its peer) leads to <c>To</c>.</summary>
internal sealed record ModelRule<TState>(TState From, Party Sender, RfcMessage Message, Literal[] Guard, TState To)
    where TState : struct, Enum;

/// <summary>A handshake type: every feature fixed.</summary>
internal sealed record HandshakeType(string Name, IReadOnlyDictionary<Feature, bool> Features)
{
    public bool this[Feature f] => Features[f];

    /// <summary>
    /// Every handshake type this engine supports: full or HRR, times no auth / client cert / empty client cert /
    /// PSK (psk_dhe_ke); and PSK with 0-RTT (never with HRR).
    /// </summary>
    public static IReadOnlyList<HandshakeType> Supported { get; } = BuildSupported();

    /// <summary>Features the RFC model describes but the engine does not support yet; fixed false for the proofs.</summary>
    public static IReadOnlyList<Feature> Unsupported { get; } = [Feature.HalfRtt];

    /// <summary>Types the RFC model describes but the engine does not support (0.5-RTT); checked only for model sanity.</summary>
    public static IReadOnlyList<HandshakeType> ModelOnly { get; } =
    [
        With("full+0.5-RTT", Feature.HalfRtt),
        With("psk+0.5-RTT", Feature.Psk, Feature.HalfRtt),
    ];

    private static HandshakeType With(string name, params Feature[] on)
    {
        var features = Enum.GetValues<Feature>().ToDictionary(f => f, f => on.Contains(f));
        return new HandshakeType(name, features);
    }

    private static List<HandshakeType> BuildSupported()
    {
        var types = new List<HandshakeType>();
        foreach (var hrr in new[] { false, true })
        {
            foreach (var (auth, cert, psk, name) in new[]
                     {
                         (false, false, false, "full"), (true, true, false, "client-auth"), (true, false, false, "client-auth-empty-cert"), (false, false, true, "psk"),
                     })
            {
                var features = Enum.GetValues<Feature>().ToDictionary(f => f, _ => false);
                features[Feature.Hrr] = hrr;
                features[Feature.ClientAuth] = auth;
                features[Feature.ClientCert] = cert;
                features[Feature.Psk] = psk;
                types.Add(new HandshakeType(hrr ? name + "+HRR" : name, features));
            }
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-2.3
        //# Figure 4: Message Flow for a 0-RTT Handshake
        types.Add(With("psk+0-RTT", Feature.Psk, Feature.EarlyData));
        return types;
    }
}
