using Reference.S2n;
using Reference.Tls;
using Reference.Tls.Certificates;
using Reference.Tls.StateMachine;

namespace Reference.Proofs.Tests;

/// <summary>
/// The engine runs on the proved table against the real C s2n-tls too: for each handshake type (full,
/// HelloRetryRequest, client authentication with a certificate and with an empty one), in both roles, every
/// transition our side takes is a row of <see cref="TransitionTable.Rows"/>, the transitions chain, and the
/// trace ends in Connected.
/// </summary>
public class S2nTransitionTests
{
    private const string Host = "localhost";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<GeneratedPki> P256 = new(() => CertificateGenerator.Generate(KeyKind.EcdsaP256, Host));
    private static readonly Lazy<GeneratedPki> P384 = new(() => CertificateGenerator.Generate(KeyKind.EcdsaP384, Host));

    private static readonly byte[] Ping = "ping"u8.ToArray();
    private static readonly byte[] Pong = "pong"u8.ToArray();

    public enum HandshakeKind
    {
        Full,
        HelloRetry,
        ClientAuthWithCertificate,
        ClientAuthEmptyCertificate,
    }

    private const string Server = "S:ServerHello S:EncryptedExtensions S:Certificate S:CertificateVerify S:Finished";
    private const string AuthServer = "S:ServerHello S:EncryptedExtensions S:CertificateRequest S:Certificate S:CertificateVerify S:Finished";

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2
    //= type=test
    //# Figure 1 below shows the basic full TLS handshake:
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# Otherwise, the client MUST process all extensions in the
    //# HelloRetryRequest and send a second updated ClientHello.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# If the server requests client authentication but no
    //# suitable certificate is available, the client MUST send a Certificate
    //# message containing no certificates (i.e., with the "certificate_list"
    //# field having length 0).
    [Theory]
    [InlineData(TlsRole.Client, HandshakeKind.Full, "C:ClientHello " + Server + " C:Finished", "FULL_HANDSHAKE")]
    [InlineData(TlsRole.Server, HandshakeKind.Full, "C:ClientHello " + Server + " C:Finished", "FULL_HANDSHAKE")]
    [InlineData(TlsRole.Client, HandshakeKind.HelloRetry, "C:ClientHello S:HelloRetryRequest C:ClientHello " + Server + " C:Finished", "HELLO_RETRY_REQUEST")]
    [InlineData(TlsRole.Server, HandshakeKind.HelloRetry, "C:ClientHello S:HelloRetryRequest C:ClientHello " + Server + " C:Finished", "HELLO_RETRY_REQUEST")]
    [InlineData(TlsRole.Client, HandshakeKind.ClientAuthWithCertificate, "C:ClientHello " + AuthServer + " C:Certificate C:CertificateVerify C:Finished", "CLIENT_AUTH")]
    [InlineData(TlsRole.Server, HandshakeKind.ClientAuthWithCertificate, "C:ClientHello " + AuthServer + " C:Certificate C:CertificateVerify C:Finished", "CLIENT_AUTH")]
    [InlineData(TlsRole.Client, HandshakeKind.ClientAuthEmptyCertificate, "C:ClientHello " + AuthServer + " C:EmptyCertificate C:Finished", "NO_CLIENT_CERT")]
    [InlineData(TlsRole.Server, HandshakeKind.ClientAuthEmptyCertificate, "C:ClientHello " + AuthServer + " C:EmptyCertificate C:Finished", "NO_CLIENT_CERT")]
    public async Task Every_transition_taken_against_s2n_is_a_row_of_the_table(TlsRole ourRole, HandshakeKind kind, string expectedHandshake, string s2nFlag)
    {
        var trace = new List<Transition>();
        string s2nHandshakeType = await RunAsync(ourRole, kind, trace.Add);

        Transition[] taken = [.. trace]; // both sessions have finished: no more transitions are recorded

        var rows = TransitionTable.Rows.ToHashSet();
        Assert.All(taken, t => Assert.Contains(t, rows));
        Assert.Equal(HandshakeState.Start, taken[0].From);
        Assert.All(taken.Zip(taken.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
        Assert.Equal(HandshakeState.Connected, taken[^1].To);
        Assert.Equal(expectedHandshake, Handshake(taken));
        Assert.Contains(s2nFlag, s2nHandshakeType);
        // After the handshake: our KeyUpdate and application data both ways, all on Connected rows.
        var self = ourRole == TlsRole.Client ? Sender.Client : Sender.Server;
        var peer = ourRole == TlsRole.Client ? Sender.Server : Sender.Client;
        Assert.Contains(new Transition(HandshakeState.Connected, TableMessage.KeyUpdate, self, HandshakeState.Connected), taken);
        Assert.Contains(new Transition(HandshakeState.Connected, TableMessage.ApplicationData, self, HandshakeState.Connected), taken);
        Assert.Contains(new Transition(HandshakeState.Connected, TableMessage.ApplicationData, peer, HandshakeState.Connected), taken);
    }

    /// <summary>Runs one session ours↔C s2n over an in-memory pipe; returns s2n's handshake type name.</summary>
    private static async Task<string> RunAsync(TlsRole ourRole, HandshakeKind kind, Action<Transition> observe)
    {
        var pki = kind == HandshakeKind.HelloRetry ? P384.Value : P256.Value;
        var (ourEnd, s2nEnd) = DuplexStream.CreatePair();
        ourEnd.ReadTimeout = s2nEnd.ReadTimeout = (int)Timeout.TotalMilliseconds; // a stuck side fails instead of hanging
        using var s2nConfig = S2nConfigFor(ourRole, kind, pki);
        var ourConfig = OurConfigFor(ourRole, kind, pki) with { TransitionObserver = observe };
        var s2nMode = ourRole == TlsRole.Client ? S2nMode.Server : S2nMode.Client;
        try
        {
            var s2nTask = S2nPeer.RunAsync(s2nMode, c => c.UseStream(s2nEnd), s2nConfig, s2nMode == S2nMode.Client ? Host : null, c =>
            {
                var got = new byte[Ping.Length];
                c.ReceiveExactly(got);
                Assert.Equal(Ping, got);
                c.SendAll(Pong);
                c.Shutdown();
                return c.HandshakeTypeName;
            });
            var ourTask = Task.Run(async () =>
            {
                await using var stream = new TlsStream(ourEnd, leaveInnerStreamOpen: true);
                await (ourRole == TlsRole.Client ? stream.AuthenticateAsClientAsync(ourConfig, Host) : stream.AuthenticateAsServerAsync(ourConfig));
                await stream.UpdateKeysAsync(requestPeerUpdate: true);
                await stream.WriteAsync(Ping);
                var reply = new byte[Pong.Length];
                await stream.ReadExactlyAsync(reply);
                Assert.Equal(Pong, reply);
                await stream.ShutdownAsync();
                Assert.Equal(0, await stream.ReadAsync(new byte[1]));
            });
            await Task.WhenAll(s2nTask, ourTask).WaitAsync(Timeout);
            return s2nTask.Result;
        }
        finally
        {
            ourEnd.Dispose();
            s2nEnd.Dispose();
        }
    }

    private static S2nConfig S2nConfigFor(TlsRole ourRole, HandshakeKind kind, GeneratedPki pki)
    {
        var config = new S2nConfig();
        // HRR: an s2n client of 20190801 sends an x25519 share; an s2n server of rfc9151 takes P-384 only.
        config.SetSecurityPolicy(kind == HandshakeKind.HelloRetry ? (ourRole == TlsRole.Client ? "rfc9151" : "20190801") : "default_tls13");
        config.WipeTrustStore();
        config.AddTrustedPem(pki.CaPem);
        bool auth = kind is HandshakeKind.ClientAuthWithCertificate or HandshakeKind.ClientAuthEmptyCertificate;
        if (ourRole == TlsRole.Client)
        {
            config.AddCertChainAndKey(pki.ServerChainPem, pki.ServerKeyPem);
            config.SetClientAuth(auth ? S2nClientAuth.Optional : S2nClientAuth.None);
            config.SetVerifyHost(_ => true); // the client certificate's name is not a host name
        }
        else
        {
            config.SetClientAuth(S2nClientAuth.Optional); // answers a request, with its certificate if it has one
            if (kind == HandshakeKind.ClientAuthWithCertificate)
            {
                config.AddCertChainAndKey(pki.ClientChainPem, pki.ClientKeyPem);
            }
        }

        return config;
    }

    private static TlsConfig OurConfigFor(TlsRole ourRole, HandshakeKind kind, GeneratedPki pki)
    {
        bool auth = kind is HandshakeKind.ClientAuthWithCertificate or HandshakeKind.ClientAuthEmptyCertificate;
        if (ourRole == TlsRole.Client)
        {
            return TlsConfig.FromPolicy(kind == HandshakeKind.HelloRetry ? "20190801" : "default_tls13") with
            {
                TrustStore = TrustStore.FromPem(pki.CaPem),
                Certificate = kind == HandshakeKind.ClientAuthWithCertificate ? CertificateKeyPair.FromPem(pki.ClientChainPem, pki.ClientKeyPem) : null,
            };
        }

        return TlsConfig.FromPolicy(kind == HandshakeKind.HelloRetry ? "rfc9151" : "default_tls13") with
        {
            Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem),
            TrustStore = TrustStore.FromPem(pki.CaPem),
            ClientAuth = auth ? ClientAuthMode.Optional : ClientAuthMode.None,
        };
    }

    /// <summary>The messages up to (and including) the one that reaches Connected, as "C:ClientHello S:...".</summary>
    private static string Handshake(Transition[] trace)
    {
        int end = Array.FindIndex(trace, t => t.To == HandshakeState.Connected);
        Assert.True(end >= 0, "the handshake never reached Connected");
        return string.Join(' ', trace.Take(end + 1).Select(t => $"{TableSpec.Short(t.Sender)}:{t.Message}"));
    }
}
