using System.Security.Cryptography;
using Reference.S2n;
using Xunit;

namespace Reference.Tls.Tests.S2n;

/// <summary>The binding to C s2n-tls, exercised s2n against s2n.</summary>
public sealed class S2nBindingTests
{
    private const int S2nTls13 = 34;
    private const int OneMiB = 1 << 20;

    private sealed record Negotiated(int Version, string Suite, string Curve, string? Scheme, string Handshake,
        bool ClientCertUsed, string? Alpn);

    private static Negotiated Read(S2nConnection c) => new(c.ActualProtocolVersion, c.CipherSuite, c.Curve,
        c.SignatureScheme, c.HandshakeTypeName, c.ClientCertUsed, c.ApplicationProtocol);

    private static S2nConfig ServerConfig(TestPki pki)
    {
        var config = new S2nConfig();
        config.SetSecurityPolicy("default_tls13");
        config.AddCertChainAndKey(pki.LeafChainPem, pki.LeafKeyPem);
        return config;
    }

    private static S2nConfig ClientConfig(TestPki trusted)
    {
        var config = new S2nConfig();
        config.SetSecurityPolicy("default_tls13");
        config.WipeTrustStore();
        config.AddTrustedPem(trusted.CaPem);
        return config;
    }

    [Fact]
    public void Library_loads_and_describes_itself()
    {
        S2nLibrary.EnsureInitialized();
        Assert.True(File.Exists(S2nLibrary.LibraryPath), S2nLibrary.LibraryPath);
        Assert.Equal("1.33.2", S2nLibrary.PackageVersion);
        Assert.NotEqual(0UL, S2nLibrary.LibcryptoVersion);
        Assert.Contains("aws-crt 1.33.2", S2nLibrary.Describe());
    }

    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.InMemory)]
    public async Task Tls13_handshake_transfers_one_MiB_each_way_and_closes_gracefully(TransportKind kind)
    {
        var pki = TestPki.CreateEcdsaP256();
        using var serverConfig = ServerConfig(pki);
        using var clientConfig = ClientConfig(pki);
        byte[] upload = RandomNumberGenerator.GetBytes(OneMiB);
        byte[] download = RandomNumberGenerator.GetBytes(OneMiB);

        var outcome = await S2nPair.RunAsync(kind, serverConfig, clientConfig,
            server: c =>
            {
                var got = new byte[OneMiB];
                c.ReceiveExactly(got);
                c.SendAll(download);
                int afterClose = c.Receive(new byte[1]); // the client's close_notify
                c.Shutdown();
                return (Read(c), got, afterClose);
            },
            client: c =>
            {
                c.SendAll(upload);
                var got = new byte[OneMiB];
                c.ReceiveExactly(got);
                c.Shutdown();
                return (Read(c), got);
            });

        var (server, serverGot, serverAfterClose) = await outcome.Server;
        var (client, clientGot) = await outcome.Client;
        Assert.Equal(upload, serverGot);
        Assert.Equal(download, clientGot);
        Assert.Equal(0, serverAfterClose);
        foreach (var side in new[] { server, client })
        {
            Assert.Equal(S2nTls13, side.Version);
            Assert.Equal("TLS_AES_128_GCM_SHA256", side.Suite);
            // default_tls13 (policy 20240503) lists secp256r1 before x25519.
            Assert.Equal("secp256r1", side.Curve);
            Assert.Equal("ecdsa_secp256r1_sha256", side.Scheme);
            Assert.Contains("FULL_HANDSHAKE", side.Handshake);
            Assert.False(side.ClientCertUsed);
        }
    }

    [Theory]
    [InlineData("default_tls13", "secp256r1")]
    [InlineData("20190801", "x25519")]
    public async Task Security_policy_decides_the_key_exchange_curve(string policy, string curve)
    {
        var pki = TestPki.CreateEcdsaP256();
        using var serverConfig = ServerConfig(pki);
        serverConfig.SetSecurityPolicy(policy);
        using var clientConfig = ClientConfig(pki);
        clientConfig.SetSecurityPolicy(policy);

        var outcome = await S2nPair.RunAsync(TransportKind.InMemory, serverConfig, clientConfig,
            server: c => { c.SendAll("x"u8); return Read(c); },
            client: c => { c.ReceiveExactly(new byte[1]); return Read(c); });

        var server = await outcome.Server;
        Assert.Equal(curve, server.Curve);
        Assert.Equal(S2nTls13, server.Version);
        Assert.Equal(server, await outcome.Client);
    }

    [Fact]
    public void Unknown_security_policy_is_a_usage_error()
    {
        using var config = new S2nConfig();
        var error = Assert.Throws<S2nException>(() => config.SetSecurityPolicy("no_such_policy"));
        Assert.Equal(S2nErrorType.Usage, error.ErrorType);
        Assert.Equal("s2n_config_set_cipher_preferences", error.Operation);
    }

    [Fact]
    public async Task Client_without_x509_verification_accepts_an_untrusted_server()
    {
        var pki = TestPki.CreateEcdsaP256();
        using var serverConfig = ServerConfig(pki);
        using var clientConfig = new S2nConfig();
        clientConfig.SetSecurityPolicy("default_tls13");
        clientConfig.WipeTrustStore();
        clientConfig.DisableX509Verification();

        var outcome = await S2nPair.RunAsync(TransportKind.InMemory, serverConfig, clientConfig,
            server: c => { c.SendAll("hi"u8); return Read(c); },
            client: c => { var b = new byte[2]; c.ReceiveExactly(b); return (Read(c), b); });

        var (client, got) = await outcome.Client;
        Assert.Equal("hi"u8.ToArray(), got);
        Assert.Equal(S2nTls13, client.Version);
        Assert.Equal(S2nTls13, (await outcome.Server).Version);
    }

    [Fact]
    public async Task Mutual_auth_required_authenticates_the_client()
    {
        var serverPki = TestPki.CreateEcdsaP256("Server CA");
        var clientPki = TestPki.CreateEcdsaP256("Client CA");
        using var serverConfig = ServerConfig(serverPki);
        serverConfig.SetClientAuth(S2nClientAuth.Required);
        serverConfig.WipeTrustStore();
        serverConfig.AddTrustedPem(clientPki.CaPem);
        var namesSeen = new List<string>();
        serverConfig.SetVerifyHost(name => { lock (namesSeen) namesSeen.Add(name); return true; });
        using var clientConfig = ClientConfig(serverPki);
        clientConfig.SetClientAuth(S2nClientAuth.Optional);
        clientConfig.AddCertChainAndKey(clientPki.LeafChainPem, clientPki.LeafKeyPem);

        var outcome = await S2nPair.RunAsync(TransportKind.Tcp, serverConfig, clientConfig,
            server: c => { c.SendAll("ok"u8); return Read(c); },
            client: c => { c.ReceiveExactly(new byte[2]); return Read(c); });

        var server = await outcome.Server;
        var client = await outcome.Client;
        Assert.True(server.ClientCertUsed);
        Assert.True(client.ClientCertUsed);
        Assert.Contains("CLIENT_AUTH", server.Handshake);
        lock (namesSeen) Assert.Contains("localhost", namesSeen);
    }

    [Fact]
    public async Task Mutual_auth_required_rejects_a_client_without_certificate()
    {
        var pki = TestPki.CreateEcdsaP256();
        using var serverConfig = ServerConfig(pki);
        serverConfig.SetClientAuth(S2nClientAuth.Required);
        using var clientConfig = ClientConfig(pki);

        var outcome = await S2nPair.RunAsync(TransportKind.InMemory, serverConfig, clientConfig,
            server: Read, client: c => { c.Receive(new byte[1]); return Read(c); });

        var error = await Assert.ThrowsAsync<S2nException>(() => outcome.Server);
        Assert.Equal("s2n_negotiate", error.Operation);
        Assert.StartsWith("S2N_ERR_", error.ErrorName);
        Assert.Equal(S2nErrorType.Protocol, error.ErrorType);
        await Assert.ThrowsAnyAsync<Exception>(() => outcome.Client);
    }

    [Fact]
    public async Task Client_trusting_another_CA_fails_with_an_untrusted_certificate_error()
    {
        var serverPki = TestPki.CreateEcdsaP256("Real CA");
        var otherPki = TestPki.CreateEcdsaP256("Other CA");
        using var serverConfig = ServerConfig(serverPki);
        using var clientConfig = ClientConfig(otherPki);

        var outcome = await S2nPair.RunAsync(TransportKind.Tcp, serverConfig, clientConfig,
            server: Read, client: Read);

        var error = await Assert.ThrowsAsync<S2nException>(() => outcome.Client);
        Assert.Equal("S2N_ERR_CERT_UNTRUSTED", error.ErrorName);
        Assert.Equal(S2nErrorType.Protocol, error.ErrorType);
        Assert.Contains("S2N_ERR_CERT_UNTRUSTED", error.Message);
        Assert.False(string.IsNullOrEmpty(error.Debug));
        await Assert.ThrowsAsync<S2nException>(() => outcome.Server);
    }

    [Fact]
    public async Task Client_rejects_a_certificate_for_another_host_name()
    {
        var pki = TestPki.CreateEcdsaP256();
        using var serverConfig = ServerConfig(pki);
        using var clientConfig = ClientConfig(pki);

        var outcome = await S2nPair.RunAsync(TransportKind.InMemory, serverConfig, clientConfig,
            server: Read, client: Read, serverName: "not-localhost.example");

        var error = await Assert.ThrowsAsync<S2nException>(() => outcome.Client);
        Assert.Equal("S2N_ERR_CERT_INVALID_HOSTNAME", error.ErrorName);
    }

    [Fact]
    public async Task Key_update_is_sent_and_received()
    {
        var pki = TestPki.CreateEcdsaP256();
        using var serverConfig = ServerConfig(pki);
        using var clientConfig = ClientConfig(pki);

        var outcome = await S2nPair.RunAsync(TransportKind.InMemory, serverConfig, clientConfig,
            server: c =>
            {
                var buffer = new byte[5];
                c.ReceiveExactly(buffer);
                c.SendAll(buffer);
                return c.KeyUpdateCounts;
            },
            client: c =>
            {
                c.RequestKeyUpdate();
                c.SendAll("after"u8);
                var echo = new byte[5];
                c.ReceiveExactly(echo);
                return (c.KeyUpdateCounts, echo);
            });

        Assert.Equal((0, 1), await outcome.Server);
        var (counts, echo) = await outcome.Client;
        Assert.Equal((1, 0), counts);
        Assert.Equal("after"u8.ToArray(), echo);
    }

    [Fact]
    public async Task Alpn_selects_the_servers_preference_and_key_log_reports_tls13_secrets()
    {
        var pki = TestPki.CreateEcdsaP256();
        using var serverConfig = ServerConfig(pki);
        serverConfig.SetAlpn("h2", "http/1.1");
        using var clientConfig = ClientConfig(pki);
        clientConfig.SetAlpn("http/1.1", "h2");
        var lines = new List<string>();
        clientConfig.SetKeyLogCallback(line => { lock (lines) lines.Add(line); });

        var outcome = await S2nPair.RunAsync(TransportKind.InMemory, serverConfig, clientConfig,
            server: c => { c.SendAll("x"u8); return Read(c); },
            client: c => { c.ReceiveExactly(new byte[1]); return Read(c); });

        Assert.Equal("h2", (await outcome.Server).Alpn);
        Assert.Equal("h2", (await outcome.Client).Alpn);
        lock (lines)
        {
            Assert.Contains(lines, l => l.StartsWith("CLIENT_HANDSHAKE_TRAFFIC_SECRET ", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("SERVER_TRAFFIC_SECRET_0 ", StringComparison.Ordinal));
            Assert.All(lines, l => Assert.Equal(3, l.Split(' ').Length));
        }
    }

    [Fact]
    public void Exception_in_a_transport_callback_becomes_an_io_error()
    {
        var pki = TestPki.CreateEcdsaP256();
        using var clientConfig = ClientConfig(pki);
        using var connection = new S2nConnection(S2nMode.Client, clientConfig);
        connection.UseStream(new FailingStream());

        var error = Assert.Throws<S2nException>(connection.Negotiate);
        Assert.Equal(S2nErrorType.IO, error.ErrorType);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal("boom", error.InnerException!.Message);
    }

    private sealed class FailingStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("boom");
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("boom");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
