using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;
using Reference.Tls.Session;
using Reference.Tls.StateMachine;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;
using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Compliance;

/// <summary>
/// RFC 8446 PSK requirements (§2.2, §4.1.1, §4.1.4, §4.2.9, §4.2.11, §4.2.11.1, §4.3.2, §4.6.1): session
/// tickets, external PSKs and binders, checked on real connections and on ClientHellos, ServerHellos and
/// NewSessionTickets crafted by hand.
/// </summary>
public class PskComplianceTests
{
    private static readonly byte[] TicketKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Secret = Enumerable.Repeat((byte)0x42, 32).ToArray();

    private static TlsSession External(string identity = "client-1", byte[]? secret = null, CipherSuite suite = CipherSuite.TlsAes128GcmSha256) =>
        TlsSession.External(System.Text.Encoding.ASCII.GetBytes(identity), secret ?? Secret, suite);

    private static (TlsConfig Client, TlsConfig Server) TicketConfigs(Func<TlsConfig, TlsConfig>? client = null, Func<TlsConfig, TlsConfig>? server = null) =>
        InMemoryPair.Configs(client: client, server: s =>
        {
            var t = s with { SessionTicketKey = TicketKey, SessionTicketCount = 2 };
            return server?.Invoke(t) ?? t;
        });

    private static TlsConnection FirstHandshake(TlsConfig client, TlsConfig server)
    {
        var pair = new InMemoryPair(client, server);
        pair.Pump();
        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.False(pair.Client.Info!.PreSharedKeyAccepted);
        return pair.Client;
    }

    private static void Pump(TlsConnection client, TlsConnection server)
    {
        for (int i = 0; i < 50 && (client.HasPendingOutput || server.HasPendingOutput); i++)
        {
            InMemoryPair.Move(client, server);
            InMemoryPair.Move(server, client);
        }
    }

    private static ClientHello FirstClientHello(TlsConnection client) => Scenario.ParseClientHello(Scenario.Take(client));

    private static ServerHello FirstServerHello(byte[] serverFlight)
    {
        var message = Bytes.SplitHandshake(Bytes.SplitRecords(serverFlight)[0].Payload)[0];
        Assert.Equal((byte)HandshakeType.ServerHello, message[0]);
        return ServerHello.Parse(message.AsSpan(4));
    }

    private static bool Has(List<Extension> extensions, ExtensionType type) => extensions.Any(e => e.Type == type);

    /// <summary>Re-encodes an external-PSK ClientHello's pre_shared_key with new identities and freshly computed (SHA-256) binders.</summary>
    private static byte[] Rebind(ClientHello hello, List<PskIdentity> identities, byte[] secret)
    {
        var placeholder = identities.Select(_ => new byte[32]).ToList();
        var edited = Scenario.With(hello, extensions: Scenario.SetExtension(hello, ExtensionType.PreSharedKey, PreSharedKeyExtension.EncodeClient(identities, placeholder)));
        var message = Bytes.Handshake(HandshakeType.ClientHello, Bytes.Write(edited.Write));
        var truncated = message[..^PreSharedKeyExtension.BindersLength(placeholder.Select(p => p.Length))];
        using var schedule = new TlsKeySchedule(CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256), secret);
        var binder = schedule.ComputeBinder(resumption: false, SHA256.HashData(truncated));
        var final = Scenario.With(hello, extensions: Scenario.SetExtension(hello, ExtensionType.PreSharedKey,
            PreSharedKeyExtension.EncodeClient(identities, identities.Select(_ => binder).ToList())));
        return Scenario.ClientHelloRecord(final);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# The "pre_shared_key" extension MUST be the last extension in the
    //# ClientHello (this facilitates implementation as described below).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# When multiple extensions of different types are present, the
    //# extensions MAY appear in any order, with the exception of
    //# "pre_shared_key" (Section 4.2.11) which MUST be the last extension in
    //# the ClientHello (but can appear anywhere in the ServerHello extensions
    //# block).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //= type=test
    //# In order to use PSKs, clients MUST also send a
    //# "psk_key_exchange_modes" extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //= type=test
    //# A client MUST provide a "psk_key_exchange_modes" extension if it
    //# offers a "pre_shared_key" extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //= type=test
    //# In this mode, the client and server MUST supply "key_share" values as
    //# described in Section 4.2.8.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //= type=test
    //# When a client offers resumption via a PSK, it SHOULD also
    //# supply a "key_share" extension to the server to allow the server to
    //# decline resumption and fall back to a full handshake, if needed.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# For identities established externally, an obfuscated_ticket_age of 0
    //# SHOULD be used, and servers MUST ignore the value.
    [Fact]
    public void A_psk_client_hello_sends_modes_and_key_share_with_pre_shared_key_last()
    {
        var (c, s) = TicketConfigs();
        var ticket = FirstHandshake(c, s).ReceivedSessions[0];
        var client = TlsConnection.CreateClient(c with { PreSharedKeys = [External()] }, "localhost", ticket);
        var hello = FirstClientHello(client);
        Assert.Equal(ExtensionType.PreSharedKey, hello.Extensions[^1].Type);
        Assert.Single(hello.Extensions, e => e.Type == ExtensionType.PreSharedKey);
        var modes = hello.Extensions.Single(e => e.Type == ExtensionType.PskKeyExchangeModes);
        Assert.Equal([PskKeyExchangeModesExtension.PskDheKe], PskKeyExchangeModesExtension.Decode(modes.Data));
        Assert.True(Has(hello.Extensions, ExtensionType.KeyShare));
        var (identities, binders) = PreSharedKeyExtension.DecodeClient(hello.Extensions[^1].Data);
        Assert.Equal(2, identities.Count);
        Assert.Equal(2, binders.Count);
        Assert.Equal(ticket.Identity, identities[0].Identity);
        Assert.InRange(unchecked(identities[0].ObfuscatedTicketAge - ticket.AgeAdd), 0u, 60_000u);
        Assert.Equal("client-1"u8.ToArray(), identities[1].Identity);
        Assert.Equal(0u, identities[1].ObfuscatedTicketAge);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# Servers MUST check that it is the last extension and otherwise fail
    //# the handshake with an "illegal_parameter" alert.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_server_rejects_pre_shared_key_that_is_not_last(bool firstHelloGetsRetry)
    {
        var psk = External();
        using var scenario = new Scenario(
            client: c => c with { PreSharedKeys = [psk], Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] },
            server: s => s with { PreSharedKeys = [psk], Groups = firstHelloGetsRetry ? [NamedGroup.Secp256r1] : s.Groups, Blinding = BlindingMode.SelfService });
        var hello = Scenario.ParseClientHello(scenario.ClientHelloRecord());
        var pskExtension = hello.Extensions[^1];
        var reordered = hello.Extensions.Take(hello.Extensions.Count - 2).Append(pskExtension).Append(hello.Extensions[^2]).ToList();
        Fatal.OnFeed(scenario.Server, AlertDescription.IllegalParameter, Scenario.ClientHelloRecord(Scenario.With(hello, extensions: reordered)));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //= type=test
    //# If clients offer
    //# "pre_shared_key" without a "psk_key_exchange_modes" extension,
    //# servers MUST abort the handshake.
    [Fact]
    public void A_server_aborts_pre_shared_key_without_modes()
    {
        var psk = External();
        using var scenario = new Scenario(client: c => c with { PreSharedKeys = [psk] }, server: s => s with { PreSharedKeys = [psk], Blinding = BlindingMode.SelfService });
        var hello = Scenario.ParseClientHello(scenario.ClientHelloRecord());
        var withoutModes = hello.Extensions.Where(e => e.Type != ExtensionType.PskKeyExchangeModes).ToList();
        Assert.Equal(ExtensionType.PreSharedKey, withoutModes[^1].Type);
        Fatal.OnFeed(scenario.Server, AlertDescription.MissingExtension, Scenario.ClientHelloRecord(Scenario.With(hello, extensions: withoutModes)));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //= type=test
    //# Servers MUST NOT
    //# select a key exchange mode that is not listed by the client.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
    //= type=test
    //# If the server selects a PSK, then it MUST also select a key
    //# establishment mode from the set indicated by the client's
    //# "psk_key_exchange_modes" extension (at present, PSK alone or with
    //# (EC)DHE).
    [Theory]
    [InlineData(PskKeyExchangeModesExtension.PskKe, false)]
    [InlineData(PskKeyExchangeModesExtension.PskDheKe, true)]
    public void A_server_selects_a_psk_only_in_a_mode_the_client_listed(byte mode, bool accepted)
    {
        var psk = External();
        using var scenario = new Scenario(client: c => c with { PreSharedKeys = [psk] }, server: s => s with { PreSharedKeys = [psk] });
        var hello = Scenario.ParseClientHello(scenario.ClientHelloRecord());
        var modes = hello.Extensions.Select(e => e.Type == ExtensionType.PskKeyExchangeModes ? new Extension(e.Type, PskKeyExchangeModesExtension.Encode(mode)) : e).ToList();
        var (identities, _) = PreSharedKeyExtension.DecodeClient(hello.Extensions[^1].Data);
        scenario.Server.Feed(Rebind(Scenario.With(hello, extensions: modes), identities, Secret));
        var serverHello = FirstServerHello(Scenario.Take(scenario.Server));
        Assert.Equal(accepted, Has(serverHello.Extensions, ExtensionType.PreSharedKey));
        Assert.True(Has(serverHello.Extensions, ExtensionType.KeyShare));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# For identities established externally, an obfuscated_ticket_age of 0
    //# SHOULD be used, and servers MUST ignore the value.
    [Fact]
    public void A_server_ignores_the_age_of_an_external_psk()
    {
        var psk = External();
        using var scenario = new Scenario(client: c => c with { PreSharedKeys = [psk] }, server: s => s with { PreSharedKeys = [psk] });
        var hello = Scenario.ParseClientHello(scenario.ClientHelloRecord());
        scenario.Server.Feed(Rebind(hello, [new PskIdentity("client-1"u8.ToArray(), 0xDEADBEEF)], Secret));
        var serverHello = FirstServerHello(Scenario.Take(scenario.Server));
        Assert.Equal([0, 0], serverHello.Extensions.Single(e => e.Type == ExtensionType.PreSharedKey).Data);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //= type=test
    //# The server MUST NOT send a "psk_key_exchange_modes" extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
    //= type=test
    //# In this mode, the client and server MUST supply "key_share" values as
    //# described in Section 4.2.8.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# In
    //# order to accept PSK key establishment, the server sends a
    //# "pre_shared_key" extension indicating the selected identity.
    [Fact]
    public void A_psk_server_hello_has_key_share_and_no_modes()
    {
        var psk = External();
        using var scenario = new Scenario(client: c => c with { PreSharedKeys = [psk] }, server: s => s with { PreSharedKeys = [psk] });
        var flight = scenario.ServerFlight();
        var serverHello = FirstServerHello(flight);
        Assert.True(Has(serverHello.Extensions, ExtensionType.KeyShare));
        Assert.True(Has(serverHello.Extensions, ExtensionType.PreSharedKey));
        Assert.False(Has(serverHello.Extensions, ExtensionType.PskKeyExchangeModes));
        scenario.Client.Feed(flight);
        Assert.True(scenario.Client.Info!.PreSharedKeyAccepted);
    }

    /// <summary>A ServerHello for <paramref name="sent"/>: X25519 share, the given suite, optional key_share and pre_shared_key.</summary>
    private static byte[] CraftedServerHello(ClientHello sent, CipherSuite suite, bool keyShare, int? selected)
    {
        using var share = KeyShare.Generate(NamedGroup.X25519);
        var extensions = new List<Extension> { new(ExtensionType.SupportedVersions, SupportedVersionsExtension.EncodeServer(ProtocolVersion.Tls13)) };
        if (keyShare)
        {
            extensions.Add(new(ExtensionType.KeyShare, KeyShareExtension.EncodeServer(new(NamedGroup.X25519, share.PublicKey))));
        }

        if (selected is { } index)
        {
            extensions.Add(new(ExtensionType.PreSharedKey, PreSharedKeyExtension.EncodeServer(index)));
        }

        var hello = new ServerHello
        {
            LegacyVersion = ProtocolVersion.Tls12, Random = Enumerable.Repeat((byte)0x5A, 32).ToArray(),
            LegacySessionIdEcho = sent.LegacySessionId, CipherSuite = (ushort)suite, LegacyCompressionMethod = 0, Extensions = extensions,
        };
        return Bytes.HandshakeRecord(HandshakeType.ServerHello, Bytes.Write(hello.Write));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# Clients MUST verify that the server's selected_identity is within the
    //# range supplied by the client, that the server selected a cipher suite
    //# indicating a Hash associated with the PSK, and that a server
    //# "key_share" extension is present if required by the ClientHello
    //# "psk_key_exchange_modes" extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# If these values are not consistent, the client MUST abort the
    //# handshake with an "illegal_parameter" alert.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# Any ticket MUST only be resumed with a cipher suite that has the
    //# same KDF hash algorithm as that used to establish the original
    //# connection.
    [Theory]
    [InlineData(CipherSuite.TlsAes128GcmSha256, true, 0, null)]
    [InlineData(CipherSuite.TlsChacha20Poly1305Sha256, true, 0, null)]
    [InlineData(CipherSuite.TlsAes128GcmSha256, true, 1, AlertDescription.IllegalParameter)]
    [InlineData(CipherSuite.TlsAes256GcmSha384, true, 0, AlertDescription.IllegalParameter)]
    [InlineData(CipherSuite.TlsAes128GcmSha256, false, 0, AlertDescription.IllegalParameter)]
    public void A_client_checks_the_servers_psk_selection(CipherSuite suite, bool keyShare, int selected, AlertDescription? alert)
    {
        var (c, s) = TicketConfigs(client: c => c with { CipherSuites = [CipherSuite.TlsAes128GcmSha256] });
        var ticket = FirstHandshake(c, s).ReceivedSessions[0];
        var client = TlsConnection.CreateClient(InMemoryPair.Configs().Client, "localhost", ticket);
        var sent = FirstClientHello(client);
        Assert.Single(PreSharedKeyExtension.DecodeClient(sent.Extensions[^1].Data).Identities);
        var serverHello = CraftedServerHello(sent, suite, keyShare, selected);
        if (alert is { } expected)
        {
            Fatal.OnFeed(client, expected, serverHello);
        }
        else
        {
            client.Feed(serverHello);
            Assert.False(client.IsWriteClosed);
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# The server MUST ensure that it selects a compatible PSK
    //# (if any) and cipher suite.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# Any ticket MUST only be resumed with a cipher suite that has the
    //# same KDF hash algorithm as that used to establish the original
    //# connection.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# If no acceptable PSKs are found, the server SHOULD perform a
    //# non-PSK handshake if possible.
    [Fact]
    public void A_sha384_ticket_is_not_resumed_with_a_sha256_suite()
    {
        var (c, s) = TicketConfigs(server: s => s with { CipherSuites = [CipherSuite.TlsAes256GcmSha384] });
        var ticket = FirstHandshake(c, s).ReceivedSessions[0];
        Assert.Equal(CipherSuite.TlsAes256GcmSha384, ticket.CipherSuite);
        var server = TlsConnection.CreateServer(s with { CipherSuites = [CipherSuite.TlsAes128GcmSha256] });
        var client = TlsConnection.CreateClient(c, "localhost", ticket);
        Pump(client, server);
        Assert.True(client.IsHandshakeComplete);
        Assert.False(server.Info!.PreSharedKeyAccepted);
        Assert.NotEmpty(client.Info!.PeerCertificates);

        var sameHash = TlsConnection.CreateServer(s with { CipherSuites = [CipherSuite.TlsAes256GcmSha384] });
        var resumed = TlsConnection.CreateClient(c, "localhost", ticket);
        Pump(resumed, sameHash);
        Assert.True(sameHash.Info!.PreSharedKeyAccepted);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# The server MUST ensure that it selects a compatible PSK
    //# (if any) and cipher suite.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# For externally established PSKs, the Hash algorithm MUST be set when
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //= type=test
    //# When PSKs are provisioned out of band, the PSK identity and the KDF hash
    //# algorithm to be used with the PSK MUST also be provisioned.
    [Fact]
    public void A_server_skips_an_external_psk_of_another_hash_for_a_compatible_one()
    {
        var sha384 = External("sha384", Enumerable.Repeat((byte)7, 48).ToArray(), CipherSuite.TlsAes256GcmSha384);
        var sha256 = External("sha256");
        Assert.Equal(CipherSuite.TlsAes256GcmSha384, sha384.CipherSuite);
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { PreSharedKeys = [sha384, sha256] },
            server: s => s with { PreSharedKeys = [sha384, sha256], CipherSuites = [CipherSuite.TlsAes128GcmSha256] });
        var server = TlsConnection.CreateServer(s);
        var client = TlsConnection.CreateClient(c, "localhost");
        Assert.Equal(2, PreSharedKeyExtension.DecodeClient(FirstClientHelloCopy(client).Extensions[^1].Data).Identities.Count);
        Pump(client, server);
        Assert.True(server.Info!.PreSharedKeyAccepted);
        Assert.Equal(CipherSuite.TlsAes128GcmSha256, client.Info!.CipherSuite);
        Assert.Empty(client.Info.PeerCertificates);
    }

    private static ClientHello FirstClientHelloCopy(TlsConnection client) => Scenario.ParseClientHello(client.PendingOutput.ToArray());

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# If the client is attempting a PSK key establishment, it SHOULD
    //# advertise at least one cipher suite indicating a Hash associated with
    //# the PSK.
    [Fact]
    public void A_client_offers_only_psks_whose_hash_it_advertises()
    {
        var sha384 = External("sha384", Enumerable.Repeat((byte)7, 48).ToArray(), CipherSuite.TlsAes256GcmSha384);
        var (c, _) = InMemoryPair.Configs(client: c => c with { PreSharedKeys = [sha384, External()], CipherSuites = [CipherSuite.TlsAes128GcmSha256] });
        var hello = FirstClientHello(TlsConnection.CreateClient(c, "localhost"));
        var (identities, _) = PreSharedKeyExtension.DecodeClient(hello.Extensions[^1].Data);
        Assert.Equal("client-1"u8.ToArray(), Assert.Single(identities).Identity);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# Any unknown PSKs (e.g., ones
    //# not in the PSK database or encrypted with an unknown key) SHOULD
    //# simply be ignored.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# If no acceptable PSKs are found, the server SHOULD perform a
    //# non-PSK handshake if possible.
    [Fact]
    public void Unknown_psks_are_ignored_and_the_handshake_is_full()
    {
        var (c, s) = TicketConfigs();
        var ticket = FirstHandshake(c, s).ReceivedSessions[0];
        var server = TlsConnection.CreateServer(s with { SessionTicketKey = Enumerable.Repeat((byte)9, 32).ToArray(), PreSharedKeys = [External("other")] });
        var client = TlsConnection.CreateClient(c with { PreSharedKeys = [External("client-1")] }, "localhost", ticket);
        Pump(client, server);
        Assert.True(client.IsHandshakeComplete);
        Assert.False(server.Info!.PreSharedKeyAccepted);
        Assert.NotEmpty(client.Info!.PeerCertificates);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# Servers SHOULD NOT attempt to validate multiple binders;
    //# rather, they SHOULD select a single PSK and validate solely the
    //# binder that corresponds to that PSK.
    [Fact]
    public void A_server_validates_only_the_binder_of_the_psk_it_selects()
    {
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { PreSharedKeys = [External("first"), External("second")] },
            server: s => s with { PreSharedKeys = [External("first"), External("second", Enumerable.Repeat((byte)1, 32).ToArray())] });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.True(pair.Server.Info!.PreSharedKeyAccepted);

        var (c2, s2) = InMemoryPair.Configs(
            client: c => c with { PreSharedKeys = [External("first"), External("second")] },
            server: s => s with { PreSharedKeys = [External("first", Enumerable.Repeat((byte)1, 32).ToArray())], Blinding = BlindingMode.SelfService });
        using var bad = new InMemoryPair(c2, s2);
        Assert.Equal(AlertDescription.DecryptError, Assert.Throws<TlsException>(() => bad.Pump()).Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# Prior to accepting PSK key establishment, the server MUST validate
    //# the corresponding binder value (see Section 4.2.11.2 below).  If this
    //# value is not present or does not validate, the server MUST abort the
    //# handshake.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# Sending this alert is OPTIONAL; servers MAY instead choose to send a
    //# "decrypt_error" alert to merely indicate an invalid PSK identity.
    [Fact]
    public void A_tampered_ticket_binder_is_a_decrypt_error()
    {
        var (c, s) = TicketConfigs();
        var ticket = FirstHandshake(c, s).ReceivedSessions[0];
        var server = TlsConnection.CreateServer(s with { Blinding = BlindingMode.SelfService });
        var client = TlsConnection.CreateClient(c, "localhost", ticket);
        var record = Scenario.Take(client);
        record[^1] ^= 0x01;
        Fatal.OnFeed(server, AlertDescription.DecryptError, record);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.1
    //= type=test
    //# Clients MUST NOT attempt to use tickets which have ages greater than
    //# the "ticket_lifetime" value which was provided with the ticket.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# The client MAY use this PSK for future handshakes by including the
    //# ticket value in the "pre_shared_key" extension in its ClientHello
    //# (Section 4.2.11).
    [Theory]
    [InlineData(59, true)]
    [InlineData(61, false)]
    public void A_client_does_not_offer_a_ticket_past_its_lifetime(int minutesLater, bool offered)
    {
        var (c, s) = TicketConfigs(server: s => s with { SessionTicketLifetime = TimeSpan.FromHours(1) });
        var ticket = FirstHandshake(c, s).ReceivedSessions[0];
        Assert.Equal(TimeSpan.FromHours(1), ticket.Lifetime);
        var later = c with { DangerousClock = () => ticket.ReceivedAt.AddMinutes(minutesLater) };
        var hello = FirstClientHello(TlsConnection.CreateClient(later, "localhost", ticket));
        Assert.Equal(offered, Has(hello.Extensions, ExtensionType.PreSharedKey));
        if (offered)
        {
            Assert.Equal(ticket.Identity, PreSharedKeyExtension.DecodeClient(hello.Extensions[^1].Data).Identities[0].Identity);
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# Clients MUST only resume if the new SNI value is valid
    //# for the server certificate presented in the original session and
    //# SHOULD only resume if the SNI value matches the one used in the
    //# original session.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
    //= type=test
    //# Clients, however, SHOULD store the SNI with the PSK to fulfill
    //# the requirements of Section 4.6.1.
    [Theory]
    [InlineData("localhost", true)]
    [InlineData("other.example", false)]
    [InlineData(null, false)]
    public void A_client_offers_a_ticket_only_for_the_name_it_was_issued_for(string? name, bool offered)
    {
        var (c, s) = TicketConfigs();
        var ticket = FirstHandshake(c, s).ReceivedSessions[0];
        Assert.Equal("localhost", ticket.ServerName);
        var hello = FirstClientHello(TlsConnection.CreateClient(c, name, ticket));
        Assert.Equal(offered, Has(hello.Extensions, ExtensionType.PreSharedKey));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# On resumption, if reporting an SNI value to the calling application,
    //# implementations MUST use the value sent in the resumption ClientHello
    //# rather than the value sent in the previous session.
    [Fact]
    public void A_resuming_server_reports_the_name_of_the_resumption_client_hello()
    {
        var (c, s) = TicketConfigs();
        var ticket = FirstHandshake(c, s).ReceivedSessions[0];
        var server = TlsConnection.CreateServer(s);
        var client = TlsConnection.CreateClient(c, "LocalHost", ticket);
        Pump(client, server);
        Assert.True(server.Info!.PreSharedKeyAccepted);
        Assert.Equal("LocalHost", server.Info.ServerName, StringComparer.Ordinal);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
    //= type=test
    //# Servers which are authenticating with a PSK MUST NOT send the
    //# CertificateRequest message in the main handshake, though they MAY
    //# send it in post-handshake authentication (see Section 4.6.2) provided
    //# that the client has sent the "post_handshake_auth" extension (see
    //# Section 4.2.6).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# The server MUST send a Certificate message whenever the agreed-upon key
    //# exchange method uses certificates for authentication (this includes all
    //# key exchange methods defined in this document except PSK).
    [Fact]
    public void A_psk_server_sends_no_certificate_request_even_when_it_requires_client_auth()
    {
        var psk = External();
        var transitions = new List<Transition>();
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { PreSharedKeys = [psk] },
            server: s => s with { PreSharedKeys = [psk], ClientAuth = ClientAuthMode.Required, TransitionObserver = transitions.Add });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.True(pair.Server.Info!.PreSharedKeyAccepted);
        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Contains(transitions, t => t.Message == TableMessage.ServerHelloPsk);
        Assert.DoesNotContain(transitions, t => t.Message is TableMessage.CertificateRequest or TableMessage.Certificate or TableMessage.CertificateVerify);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# Servers MUST NOT use any value greater than
    //# 604800 seconds (7 days).
    [Fact]
    public void A_server_refuses_a_ticket_lifetime_over_seven_days()
    {
        var (c, s) = TicketConfigs(server: s => s with { SessionTicketLifetime = TimeSpan.FromDays(7) });
        Assert.Equal(TimeSpan.FromSeconds(604800), FirstHandshake(c, s).ReceivedSessions[0].Lifetime);
        var e = Assert.Throws<TlsException>(() => TlsConnection.CreateServer(s with { SessionTicketLifetime = TimeSpan.FromSeconds(604801) }));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# Clients MUST NOT cache
    //# tickets for longer than 7 days, regardless of the ticket_lifetime,
    //# and MAY delete tickets earlier based on local policy.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# The value of zero indicates that the
    //# ticket should be discarded immediately.
    [Fact]
    public void A_client_caps_ticket_lifetime_at_seven_days_and_drops_zero_lifetime_tickets()
    {
        using var scenario = new Scenario();
        scenario.Complete();
        using var writer = RecordProtector.Create(CipherSuiteSpec.Get(Scenario.Suite), scenario.ServerKeys["SERVER_TRAFFIC_SECRET_0"]);
        static byte[] Ticket(uint lifetime, byte nonce) => Bytes.Handshake(HandshakeType.NewSessionTicket, Bytes.Write(w =>
        {
            w.WriteU32(lifetime);
            w.WriteU32(7);
            w.WriteVector8([nonce]);
            w.WriteVector16(Enumerable.Repeat((byte)0xAB, 40).ToArray());
            w.WriteU16(0);
        }));

        scenario.Client.Feed(Bytes.Seal(writer, ContentType.Handshake, Ticket(uint.MaxValue, 1)));
        Assert.Equal(TimeSpan.FromSeconds(604800), Assert.Single(scenario.Client.ReceivedSessions).Lifetime);
        scenario.Client.Feed(Bytes.Seal(writer, ContentType.Handshake, Ticket(0, 2)));
        Assert.Single(scenario.Client.ReceivedSessions);
        scenario.Client.Feed(Bytes.Seal(writer, ContentType.Handshake, Ticket(3600, 3)));
        Assert.Equal(TimeSpan.FromHours(1), scenario.Client.ReceivedSessions[1].Lifetime);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# The server MUST generate a fresh value for each ticket it sends.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# ticket_nonce:  A per-ticket value that is unique across all tickets
    //# issued on this connection.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# Servers MAY send multiple tickets on a single connection, either
    //# immediately after each other or after specific events (see
    //# Appendix C.4).
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# At any time after the server has received the client Finished
    //# message, it MAY send a NewSessionTicket message.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
    //= type=test
    //# It MAY be either a database lookup key or a
    //# self-encrypted and self-authenticated value.
    [Fact]
    public void Each_ticket_has_a_fresh_age_add_a_unique_nonce_and_seals_its_state()
    {
        var (c, s) = TicketConfigs(server: s => s with { SessionTicketCount = 3 });
        var sessions = FirstHandshake(c, s).ReceivedSessions;
        Assert.Equal(3, sessions.Count);
        Assert.Equal(3, sessions.Select(t => t.AgeAdd).Distinct().Count());
        Assert.Equal(3, sessions.Select(t => Convert.ToHexString(t.Secret)).Distinct().Count());
        foreach (var session in sessions)
        {
            var state = SessionTicketSealer.Open(TicketKey, session.Identity);
            Assert.NotNull(state);
            Assert.Equal(session.Secret, state.Psk);
            Assert.Equal(session.AgeAdd, state.AgeAdd);
            Assert.Null(SessionTicketSealer.Open(new byte[32], session.Identity));
        }
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# In addition, in its updated ClientHello, the client SHOULD NOT offer
    //# any pre-shared keys associated with a hash other than that of the
    //# selected cipher suite.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.2
    //= type=test
    //# If the server responds with a HelloRetryRequest and the client then sends
    //# ClientHello2, its binder will be computed over:
    [Fact]
    public void After_a_retry_the_client_offers_only_psks_of_the_selected_hash_and_rebinds()
    {
        var sha384 = External("sha384", Enumerable.Repeat((byte)7, 48).ToArray(), CipherSuite.TlsAes256GcmSha384);
        var sha256 = External("sha256");
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { PreSharedKeys = [sha384, sha256], Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] },
            server: s => s with { PreSharedKeys = [sha256], Groups = [NamedGroup.Secp256r1], CipherSuites = [CipherSuite.TlsAes128GcmSha256] });
        var client = TlsConnection.CreateClient(c, "localhost");
        var server = TlsConnection.CreateServer(s);
        var firstRecord = Scenario.Take(client);
        Assert.Equal(2, PreSharedKeyExtension.DecodeClient(Scenario.ParseClientHello(firstRecord).Extensions[^1].Data).Identities.Count);
        server.Feed(firstRecord);
        client.Feed(Scenario.Take(server));
        var secondRecord = Bytes.SplitRecords(client.PendingOutput).Single(r => r.Type == ContentType.Handshake);
        var second = Scenario.ParseClientHello(Bytes.Record(ContentType.Handshake, secondRecord.Payload));
        var (identities, _) = PreSharedKeyExtension.DecodeClient(second.Extensions[^1].Data);
        Assert.Equal("sha256"u8.ToArray(), Assert.Single(identities).Identity);
        Pump(client, server);
        Assert.True(client.Info!.HelloRetryRequest);
        Assert.True(server.Info!.PreSharedKeyAccepted);
    }
}
