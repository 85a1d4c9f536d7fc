using Reference.Tls.Certificates;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.StateMachine;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.EarlyData;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Compliance;

/// <summary>
/// RFC 8446 requirements outside §4–§7 that restate engine rules: mandatory algorithms and extensions (§9),
/// reserved code points (Appendix B), randomness, authentication and PSK use (Appendices C and E).
/// </summary>
public class OverviewAndSecurityComplianceTests
{
    private static ServerHello FirstServerHello(Scenario s)
    {
        s.Server.Feed(s.ClientHelloRecord());
        var first = Bytes.SplitRecords(Scenario.Take(s.Server))[0];
        var message = Bytes.SplitHandshake(first.Payload)[0];
        Assert.Equal((byte)HandshakeType.ServerHello, message[0]);
        return ServerHello.Parse(message.AsSpan(4));
    }

    private static bool Has(List<Extension> extensions, ExtensionType type) => ExtensionBlock.Find(extensions, type) is not null;

    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //= type=test
    //# A TLS-compliant application MUST implement the TLS_AES_128_GCM_SHA256
    //# [GCM] cipher suite and SHOULD implement the TLS_AES_256_GCM_SHA384
    //# [GCM] and TLS_CHACHA20_POLY1305_SHA256 [RFC8439] cipher suites (see
    //# Appendix B.4).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //= type=test
    //# A TLS-compliant application MUST support digital signatures with
    //# rsa_pkcs1_sha256 (for certificates), rsa_pss_rsae_sha256 (for
    //# CertificateVerify and certificates), and ecdsa_secp256r1_sha256.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.1
    //= type=test
    //# A
    //# TLS-compliant application MUST support key exchange with secp256r1
    //# (NIST P-256) and SHOULD support key exchange with X25519 [RFC7748].
    [Fact]
    public void The_default_configuration_enables_every_mandatory_suite_group_and_signature_scheme()
    {
        var defaults = new TlsConfig();
        Assert.Equal([CipherSuite.TlsAes128GcmSha256, CipherSuite.TlsAes256GcmSha384, CipherSuite.TlsChacha20Poly1305Sha256], defaults.CipherSuites);
        Assert.Contains(NamedGroup.Secp256r1, defaults.Groups);
        Assert.Contains(NamedGroup.X25519, defaults.Groups);
        Assert.Contains(SignatureScheme.RsaPkcs1Sha256, defaults.SignatureSchemes);
        Assert.Contains(SignatureScheme.RsaPssRsaeSha256, defaults.SignatureSchemes);
        Assert.Contains(SignatureScheme.EcdsaSecp256r1Sha256, defaults.SignatureSchemes);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# In the absence of an application profile standard specifying
    //# otherwise, a TLS-compliant application MUST implement the following
    //# TLS extensions:
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# All implementations MUST send and use these extensions when offering
    //# applicable features:
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# -  "supported_versions" is REQUIRED for all ClientHello, ServerHello,
    //# and HelloRetryRequest messages.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# -  "signature_algorithms" is REQUIRED for certificate authentication.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# -  "supported_groups" is REQUIRED for ClientHello messages using DHE
    //# or ECDHE key exchange.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# -  "key_share" is REQUIRED for DHE or ECDHE key exchange.
    [Fact]
    public void Full_handshake_hellos_carry_the_mandatory_extensions()
    {
        using var s = new Scenario();
        var clientHello = Scenario.ParseClientHello(s.ClientHelloRecord());
        foreach (var type in new[] { ExtensionType.SupportedVersions, ExtensionType.SignatureAlgorithms, ExtensionType.SupportedGroups, ExtensionType.KeyShare, ExtensionType.ServerName })
        {
            Assert.True(Has(clientHello.Extensions, type), $"ClientHello lacks {type}");
        }

        s.Server.Feed(Scenario.ClientHelloRecord(clientHello));
        var first = Bytes.SplitRecords(Scenario.Take(s.Server))[0];
        var serverHello = ServerHello.Parse(Bytes.SplitHandshake(first.Payload)[0].AsSpan(4));
        Assert.True(Has(serverHello.Extensions, ExtensionType.SupportedVersions));
        Assert.True(Has(serverHello.Extensions, ExtensionType.KeyShare));

        using var retry = new Scenario(client: c => c with { Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] }, server: s => s with { Groups = [NamedGroup.Secp256r1] });
        var helloRetryRequest = FirstServerHello(retry);
        Assert.True(helloRetryRequest.IsHelloRetryRequest);
        Assert.True(Has(helloRetryRequest.Extensions, ExtensionType.SupportedVersions));
        Assert.True(Has(helloRetryRequest.Extensions, ExtensionType.KeyShare));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# -  "pre_shared_key" is REQUIRED for PSK key agreement.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# -  "psk_key_exchange_modes" is REQUIRED for PSK key agreement.
    [Fact]
    public void A_resuming_client_hello_carries_pre_shared_key_and_psk_key_exchange_modes()
    {
        var (c, s) = EarlyDataHarness.Configs();
        var ticket = EarlyDataHarness.Ticket(c, s);
        using var client = TlsConnection.CreateClient(c, "localhost", ticket);
        var hello = Scenario.ParseClientHello(client.PendingOutput.ToArray());
        Assert.True(Has(hello.Extensions, ExtensionType.PskKeyExchangeModes));
        Assert.Equal(ExtensionType.PreSharedKey, hello.Extensions[^1].Type);
        Assert.True(Has(hello.Extensions, ExtensionType.KeyShare));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-B
    //= type=test
    //# TLS 1.3 implementations MUST NOT send them but might receive them
    //# from older TLS implementations.
    [Fact]
    public void Reserved_handshake_types_and_alerts_have_no_name_and_a_handshake_sends_only_TLS_1_3_messages()
    {
        byte[] reservedHandshakeTypes = [0, 3, 6, 12, 14, 16, 21, 22, 23];
        byte[] reservedAlerts = [21, 30, 41, 60, 100, 111, 114];
        Assert.DoesNotContain(Enum.GetValues<HandshakeType>(), t => reservedHandshakeTypes.Contains((byte)t));
        Assert.DoesNotContain(Enum.GetValues<AlertDescription>(), a => reservedAlerts.Contains((byte)a));

        var sent = new List<string>();
        var pki = InMemoryPair.Pki(KeyKind.EcdsaP256);
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { Certificate = CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem), HandshakeObserver = e => { if (e.Sent) { sent.Add(e.Message); } } },
            server: s => s with { ClientAuth = ClientAuthMode.Required, SessionTicketKey = EarlyDataHarness.TicketKey, HandshakeObserver = e => { if (e.Sent) { sent.Add(e.Message); } } });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        string[] tls13Messages = ["ClientHello", "ServerHello", "EncryptedExtensions", "CertificateRequest", "Certificate", "CertificateVerify", "Finished", "NewSessionTicket"];
        Assert.Contains("NewSessionTicket", sent);
        Assert.All(sent, m => Assert.Contains(m, tls13Messages));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-B.3.1.4
    //= type=test
    //# Values within "obsolete_RESERVED" ranges are used in previous
    //# versions of TLS and MUST NOT be offered or negotiated by TLS 1.3
    //# implementations.
    [Theory]
    [InlineData((ushort)0x0013)] // secp192r1
    [InlineData((ushort)0x0016)] // secp256k1
    [InlineData((ushort)0x001A)] // brainpoolP256r1 (TLS 1.2)
    [InlineData((ushort)0xFF01)] // arbitrary_explicit_prime_curves
    public void An_obsolete_group_can_be_neither_offered_nor_negotiated(ushort group)
    {
        var (c, s) = InMemoryPair.Configs();
        var offered = Fatal.CatchTls(() => TlsConnection.CreateClient(c with { Groups = [(NamedGroup)group] }, "localhost"));
        Assert.Equal(TlsErrorType.Usage, offered.ErrorType);
        var negotiated = Fatal.CatchTls(() => TlsConnection.CreateServer(s with { Groups = [(NamedGroup)group] }));
        Assert.Equal(TlsErrorType.Usage, negotiated.ErrorType);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.1
    //= type=test
    //# It is RECOMMENDED to use
    //# an existing CSPRNG implementation in preference to crafting a new
    //# one.
    [Fact]
    public void Hello_randoms_are_fresh_for_every_connection()
    {
        var clientRandoms = new HashSet<string>();
        var serverRandoms = new HashSet<string>();
        for (int i = 0; i < 4; i++)
        {
            using var s = new Scenario();
            var clientHello = Scenario.ParseClientHello(s.ClientHelloRecord());
            s.Server.Feed(Scenario.ClientHelloRecord(clientHello));
            var first = Bytes.SplitRecords(Scenario.Take(s.Server))[0];
            var serverHello = ServerHello.Parse(Bytes.SplitHandshake(first.Payload)[0].AsSpan(4));
            Assert.True(clientRandoms.Add(Convert.ToHexString(clientHello.Random)));
            Assert.True(serverRandoms.Add(Convert.ToHexString(serverHello.Random)));
        }

        Assert.DoesNotContain(new string('0', 64), clientRandoms.Concat(serverRandoms));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.5
    //= type=test
    //# If no such mechanism is used, then the connection has no
    //# protection against active man-in-the-middle attack; applications
    //# MUST NOT use TLS in such a way absent explicit configuration or a
    //# specific application profile.
    [Fact]
    public void A_client_without_a_trust_store_is_refused_unless_verification_is_explicitly_disabled()
    {
        var refused = Fatal.CatchTls(() => TlsConnection.CreateClient(new TlsConfig(), "localhost"));
        Assert.Equal(TlsErrorType.Usage, refused.ErrorType);
        using var unauthenticated = TlsConnection.CreateClient(new TlsConfig { DangerousDisableCertificateVerification = true }, "localhost");
        Assert.True(unauthenticated.HasPendingOutput);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.1
    //= type=test
    //# Implementations
    //# MUST NOT combine external PSKs with certificate-based authentication
    //# of either the client or the server unless negotiated by some
    //# extension.
    [Fact]
    public void An_external_psk_handshake_carries_no_certificate_even_when_both_sides_have_one()
    {
        var psk = TlsSession.External("device-7"u8, Enumerable.Repeat((byte)0x5A, 32).ToArray());
        var pki = InMemoryPair.Pki(KeyKind.EcdsaP256);
        var transitions = new List<Transition>();
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { PreSharedKeys = [psk], Certificate = CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem) },
            server: s => s with { PreSharedKeys = [psk], ClientAuth = ClientAuthMode.Required, TransitionObserver = transitions.Add });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.True(pair.Client.Info!.PreSharedKeyAccepted);
        Assert.Empty(pair.Client.Info.PeerCertificates);
        Assert.Empty(pair.Server.Info!.PeerCertificates);
        Assert.DoesNotContain(transitions, t => t.Message is TableMessage.Certificate or TableMessage.EmptyCertificate or TableMessage.CertificateRequest or TableMessage.CertificateVerify);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.5
    //= type=test
    //# In order to allow applications to implement this kind of
    //# processing, TLS implementations MUST provide a way for the
    //# application to determine if the handshake has completed.
    [Fact]
    public void IsHandshakeComplete_turns_true_on_each_side_only_once_its_handshake_is_done()
    {
        using var s = new Scenario();
        var flight = s.ServerFlight();
        Assert.False(s.Client.IsHandshakeComplete);
        Assert.False(s.Server.IsHandshakeComplete);
        s.Client.Feed(flight);
        Assert.True(s.Client.IsHandshakeComplete);
        Assert.False(s.Server.IsHandshakeComplete);
        s.Server.Feed(Scenario.Take(s.Client));
        Assert.True(s.Server.IsHandshakeComplete);
    }
}
