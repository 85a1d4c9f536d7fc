using Reference.Tls.Certificates;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Record;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;
using static Reference.Tls.Tests.Certificates.SelectionPki;

namespace Reference.Tls.Tests.Certificates;

/// <summary>A server with several chains picks one per ClientHello (RFC 8446 §4.4.2.2, §4.2.4; s2n's SNI rule).</summary>
public sealed class CertificateSelectionTests
{
    private static readonly SignatureScheme[] OnlyRsaPss = [SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384];
    private static readonly SignatureScheme[] OnlyEcdsa = [SignatureScheme.EcdsaSecp256r1Sha256, SignatureScheme.EcdsaSecp384r1Sha384];

    private static Leaf EcdsaLeaf => Issue(KeyKind.EcdsaP256, Root.Ecdsa);

    private static Leaf RsaLeaf => Issue(KeyKind.Rsa2048, Root.Rsa);

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# -  The server's end-entity certificate's public key (and associated
    //# restrictions) MUST be compatible with the selected authentication
    //# algorithm from the client's "signature_algorithms" extension (currently
    //# RSA, ECDSA, or EdDSA).
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_client_gets_the_chain_whose_key_signs_a_scheme_it_offered(bool clientOffersRsa, bool rsaChainFirst)
    {
        Leaf[] chains = rsaChainFirst ? [RsaLeaf, EcdsaLeaf] : [EcdsaLeaf, RsaLeaf];
        var client = new TlsConfig { TrustStore = BothRoots(), SignatureSchemes = clientOffersRsa ? OnlyRsaPss : OnlyEcdsa };
        using var pair = new InMemoryPair(client, ServerWith(chains));
        pair.Pump();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.Equal(clientOffersRsa ? RsaLeaf.Der : EcdsaLeaf.Der, pair.Client.Info!.PeerCertificates[0]);
        Assert.Equal(clientOffersRsa ? SignatureScheme.RsaPssRsaeSha256 : SignatureScheme.EcdsaSecp256r1Sha256, pair.Client.Info.ServerSignatureScheme);
    }

    [Fact]
    public void A_client_offering_both_gets_the_first_chain_in_configuration_order()
    {
        foreach (Leaf[] chains in new[] { new[] { RsaLeaf, EcdsaLeaf }, [EcdsaLeaf, RsaLeaf] })
        {
            using var pair = new InMemoryPair(new TlsConfig { TrustStore = BothRoots() }, ServerWith(chains));
            pair.Pump();
            Assert.Equal(chains[0].Der, pair.Client.Info!.PeerCertificates[0]);
        }
    }

    [Theory]
    [InlineData("a.example", "a.example", 10)]          // exact match, acknowledged
    [InlineData("x.b.example", "*.b.example", 10)]      // wildcard match, acknowledged
    [InlineData("exact.b.example", "exact.b.example", 10)] // an exact name beats an earlier wildcard, as in s2n
    [InlineData("other.example", "localhost", 6)]       // no chain names it: all chains, the first; not acknowledged
    public void Server_name_picks_the_chain_naming_the_host(string serverName, string expectedLeafName, int encryptedExtensionsLength)
    {
        Leaf[] chains = [EcdsaLeaf, Issue(KeyKind.EcdsaP256, Root.Ecdsa, "*.b.example"), Issue(KeyKind.EcdsaP256, Root.Ecdsa, "a.example"), Issue(KeyKind.EcdsaP256, Root.Ecdsa, "exact.b.example")];
        var events = new List<HandshakeMessageEvent>();
        // Verification stays on where a chain names the host: the client checks the name it asked for.
        bool named = expectedLeafName != "localhost";
        var client = new TlsConfig { TrustStore = named ? BothRoots() : null, DangerousDisableCertificateVerification = !named, HandshakeObserver = events.Add };
        using var pair = new InMemoryPair(client, ServerWith(chains), serverName);
        pair.Pump();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.Equal(Issue(KeyKind.EcdsaP256, Root.Ecdsa, expectedLeafName).Der, pair.Client.Info!.PeerCertificates[0]);
        // The server_name acknowledgement follows the selected chain (an empty server_name adds 4 bytes).
        Assert.Equal(encryptedExtensionsLength, events.Single(e => e.Message == "EncryptedExtensions").Length);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# All certificates provided by the server MUST be signed by a signature
    //# algorithm advertised by the client if it is able to provide such a chain
    //# (see Section 4.2.3).
    [Fact]
    public void A_chain_signed_with_an_algorithm_the_client_did_not_advertise_is_skipped_when_another_satisfies()
    {
        // Both keys are RSA; the first chain's signature is ecdsa-with-SHA384, which an RSA-PSS-only client did not advertise.
        Leaf underEcdsa = Issue(KeyKind.Rsa2048, Root.Ecdsa);
        var client = new TlsConfig { TrustStore = BothRoots(), SignatureSchemes = OnlyRsaPss };
        using var pair = new InMemoryPair(client, ServerWith([underEcdsa, RsaLeaf]));
        pair.Pump();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.Equal(RsaLeaf.Der, pair.Client.Info!.PeerCertificates[0]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //= type=test
    //# If the server cannot produce a certificate chain that is signed only via
    //# the indicated supported algorithms, then it SHOULD continue the
    //# handshake by sending the client a certificate chain of its choice that
    //# may include algorithms that are not known to be supported by the client.
    [Fact]
    public void Without_a_satisfying_chain_the_server_continues_with_one_its_key_can_sign_for()
    {
        Leaf underEcdsa = Issue(KeyKind.Rsa2048, Root.Ecdsa);
        // The ECDSA chain is satisfying in its signature but its key cannot sign for this client: never chosen.
        var lenient = new TlsConfig { DangerousDisableCertificateVerification = true, SignatureSchemes = OnlyRsaPss };
        using (var pair = new InMemoryPair(lenient, ServerWith([EcdsaLeaf, underEcdsa])))
        {
            pair.Pump();
            Assert.True(pair.Client.IsHandshakeComplete);
            Assert.Equal(underEcdsa.Der, pair.Client.Info!.PeerCertificates[0]);
        }

        // A verifying client receives that chain and is the one to refuse it (the server did not fail the handshake).
        var strict = new TlsConfig { TrustStore = BothRoots(), SignatureSchemes = OnlyRsaPss, Blinding = BlindingMode.SelfService };
        using var refused = new InMemoryPair(strict, ServerWith([underEcdsa]));
        var e = Assert.Throws<TlsException>(() => refused.Pump());
        Assert.Equal((TlsErrorType.Protocol, AlertDescription.UnsupportedCertificate, false), (e.ErrorType, e.Alert, e.AlertFromPeer));
    }

    [Fact]
    public void No_chain_whose_key_can_sign_a_scheme_the_client_offered_fails_with_handshake_failure()
    {
        var client = new TlsConfig { DangerousDisableCertificateVerification = true, SignatureSchemes = [SignatureScheme.Ed25519], Blinding = BlindingMode.SelfService };
        using var pair = new InMemoryPair(client, ServerWith([EcdsaLeaf, RsaLeaf]) with { Blinding = BlindingMode.SelfService });
        var e = Assert.Throws<TlsException>(() => pair.Pump());
        Assert.Equal(AlertDescription.HandshakeFailure, e.Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# If no "signature_algorithms_cert" extension is
    //# present, then the "signature_algorithms" extension also applies to
    //# signatures appearing in certificates.
    [Fact]
    public void Signature_algorithms_cert_when_present_is_what_the_chain_signatures_are_judged_by()
    {
        Leaf underEcdsa = Issue(KeyKind.Rsa2048, Root.Ecdsa);
        var server = ServerWith([RsaLeaf, underEcdsa]);
        byte[] rsaPssOnly = Scenario.U16List((ushort)SignatureScheme.RsaPssRsaeSha256);

        // signature_algorithms alone (RSA-PSS): the PSS-signed chain.
        Assert.Equal(RsaLeaf.Der, ServerLeafFor(server, h => Scenario.SetExtension(h, ExtensionType.SignatureAlgorithms, rsaPssOnly)));

        // signature_algorithms_cert naming only ecdsa_secp384r1_sha384: the ECDSA-signed chain.
        Assert.Equal(underEcdsa.Der, ServerLeafFor(server, h => [
            .. Scenario.SetExtension(h, ExtensionType.SignatureAlgorithms, rsaPssOnly),
            new Extension(ExtensionType.SignatureAlgorithmsCert, Scenario.U16List((ushort)SignatureScheme.EcdsaSecp384r1Sha384)),
        ]));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.4
    //= type=test
    //# The "certificate_authorities" extension is used to indicate the
    //# certificate authorities (CAs) which an endpoint supports and which
    //# SHOULD be used by the receiving endpoint to guide certificate selection.
    [Fact]
    public void Certificate_authorities_from_the_client_steer_the_choice()
    {
        Leaf ecdsaUnderRsa = Issue(KeyKind.EcdsaP256, Root.Rsa);
        var server = ServerWith([EcdsaLeaf, ecdsaUnderRsa]);
        List<Extension> Naming(ClientHello h, params System.Security.Cryptography.X509Certificates.X509Certificate2[] roots) =>
            Scenario.SetExtension(h, ExtensionType.CertificateAuthorities, CertificateAuthoritiesExtension.Encode(roots.Select(r => r.SubjectName.RawData).ToList()));

        Assert.Equal(EcdsaLeaf.Der, ServerLeafFor(server, h => h.Extensions));
        Assert.Equal(ecdsaUnderRsa.Der, ServerLeafFor(server, h => Naming(h, RsaRoot)));
        Assert.Equal(EcdsaLeaf.Der, ServerLeafFor(server, h => Naming(h, EcdsaRoot)));
        Assert.Equal(EcdsaLeaf.Der, ServerLeafFor(server, h => Naming(h, RsaRoot, EcdsaRoot)));

        // The signature rule (a MUST when it can be met) outranks the CA hint (a SHOULD): a client that does not
        // advertise RSA-PSS gets the ECDSA-signed chain even though it names the RSA root.
        byte[] ecdsaOnly = Scenario.U16List((ushort)SignatureScheme.EcdsaSecp256r1Sha256, (ushort)SignatureScheme.EcdsaSecp384r1Sha384);
        Assert.Equal(EcdsaLeaf.Der, ServerLeafFor(server, h =>
            Naming(Scenario.With(h, extensions: Scenario.SetExtension(h, ExtensionType.SignatureAlgorithms, ecdsaOnly)), RsaRoot)));
    }

    [Fact]
    public void Certificate_and_Certificates_are_one_or_the_other()
    {
        using var one = EcdsaLeaf.Pair();
        var both = Assert.Throws<TlsException>(() => TlsConnection.CreateServer(new TlsConfig { Certificate = one, Certificates = [one] }));
        Assert.Equal(TlsErrorType.Usage, both.ErrorType);
        var withNull = Assert.Throws<TlsException>(() => TlsConnection.CreateServer(new TlsConfig { Certificates = [one, null!] }));
        Assert.Equal(TlsErrorType.Usage, withNull.ErrorType);
        var none = Assert.Throws<TlsException>(() => TlsConnection.CreateServer(new TlsConfig { Certificates = [] }));
        Assert.Equal(TlsErrorType.Usage, none.ErrorType);

        // The shorthand keeps working, and a one-entry list behaves the same.
        foreach (var server in new[] { new TlsConfig { Certificate = one }, new TlsConfig { Certificates = [one] } })
        {
            using var pair = new InMemoryPair(new TlsConfig { TrustStore = BothRoots() }, server);
            pair.Pump();
            Assert.Equal(EcdsaLeaf.Der, pair.Client.Info!.PeerCertificates[0]);
        }
    }

    private static TlsConfig ServerWith(Leaf[] chains) => new() { Certificates = chains.Select(c => c.Pair()).ToList() };

    /// <summary>
    /// Sends the server a real ClientHello whose extensions <paramref name="edit"/> rewrote, and returns the leaf of
    /// the Certificate message the server answered with (decrypted with its handshake traffic secret).
    /// </summary>
    private static byte[] ServerLeafFor(TlsConfig server, Func<ClientHello, List<Extension>> edit)
    {
        var keys = new KeyLog();
        using var client = TlsConnection.CreateClient(new TlsConfig { DangerousDisableCertificateVerification = true }, "localhost");
        var hello = Scenario.ParseClientHello(Scenario.Take(client));
        using var s = TlsConnection.CreateServer(server with { CipherSuites = [Scenario.Suite], KeyLogCallback = keys.Add });
        s.Feed(Scenario.ClientHelloRecord(Scenario.With(hello, extensions: edit(hello))));
        return LeafInFlight(Scenario.Take(s), keys["SERVER_HANDSHAKE_TRAFFIC_SECRET"]);
    }

    internal static byte[] LeafInFlight(byte[] flight, byte[] secret)
    {
        using var reader = RecordProtector.Create(CipherSuiteSpec.Get(Scenario.Suite), secret);
        var handshake = new List<byte>();
        foreach (var record in Bytes.SplitRecords(flight).Where(r => r.Type == ContentType.ApplicationData))
        {
            handshake.AddRange(Bytes.Open(reader, record).Content);
        }

        var certificate = Bytes.SplitHandshake(handshake.ToArray()).Single(m => m[0] == (byte)HandshakeType.Certificate);
        return CertificateMessage.Parse(certificate.AsSpan(4)).Entries[0].Data;
    }
}
