using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Interop;

/// <summary>
/// Ed25519 server certificates, which C s2n-tls cannot serve: our client against `openssl s_server` and
/// `openssl s_client` against our server (OpenSSL 3 at /usr/bin/openssl, run as a child process).
/// </summary>
public sealed class OpenSslEd25519Tests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly string _dir = Directory.CreateTempSubdirectory("reference-openssl-").FullName;
    private readonly GeneratedPki _pki = CertificateGenerator.Generate(KeyKind.Ed25519, S2nInterop.ServerName);

    public OpenSslEd25519Tests() => _pki.WriteTo(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<CipherSuite, NamedGroup> Combinations() => new()
    {
        { CipherSuite.TlsChacha20Poly1305Sha256, NamedGroup.X25519 },
        { CipherSuite.TlsAes256GcmSha384, NamedGroup.Secp384r1 },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Our_client_with_openssl_s_server(CipherSuite suite, NamedGroup group)
    {
        var (leafPem, intermediatePem) = SplitServerChain();
        File.WriteAllText(Path.Combine(_dir, "server-leaf.pem"), leafPem);
        File.WriteAllText(Path.Combine(_dir, "server-intermediate.pem"), intermediatePem);
        await using var server = OpenSslProcess.Start(_dir, "s_server", "-tls1_3", "-accept", "127.0.0.1:0", "-naccept", "1",
            "-rev", "-cert", "server-leaf.pem", "-cert_chain", "server-intermediate.pem", "-key", "server-key.pem",
            "-ciphersuites", S2nInterop.IanaName(suite), "-groups", OpenSslGroup(group));
        string accept = await server.WaitForLineAsync(l => l.StartsWith("ACCEPT ", StringComparison.Ordinal), Timeout);
        int port = int.Parse(accept[(accept.LastIndexOf(':') + 1)..]);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout);
        using var cts = new CancellationTokenSource(Timeout);
        await using var stream = new TlsStream(tcp.GetStream());
        await stream.AuthenticateAsClientAsync(new TlsConfig { TrustStore = TrustStore.FromPem(_pki.CaPem) }, S2nInterop.ServerName, cts.Token);
        await stream.WriteAsync("hello openssl\n"u8.ToArray(), cts.Token);
        string echoed = await ReadLineAsync(stream, cts.Token); // -rev answers each line reversed

        await stream.ShutdownAsync(cts.Token);
        int afterClose = await stream.ReadAsync(new byte[16], cts.Token); // s_server answers with close_notify
        int exitCode = await server.WaitForExitAsync(Timeout); // -naccept 1: done after one connection

        var info = stream.ConnectionInfo!;
        Assert.Equal(0, afterClose);
        Assert.True(stream.Connection.IsPeerClosed);
        Assert.True(exitCode == 0, server.Transcript);
        Assert.Equal("lssnepo olleh\n", echoed);
        Assert.Equal(SignatureScheme.Ed25519, info.ServerSignatureScheme);
        Assert.Equal(suite, info.CipherSuite);
        Assert.Equal(group, info.Group);
        Assert.Equal(X509Certificate2.CreateFromPem(leafPem).RawData, info.PeerCertificates[0]);
        // s_server -rev reports the connection on stderr.
        Assert.Contains("Protocol version: TLSv1.3\n", server.Transcript);
        Assert.Contains($"Ciphersuite: {S2nInterop.IanaName(suite)}\n", server.Transcript);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Openssl_s_client_with_our_server(CipherSuite suite, NamedGroup group)
    {
        var ourConfig = new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPem(_pki.ServerChainPem, _pki.ServerKeyPem),
            CipherSuites = [suite],
            Groups = [group],
        };
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // -ign_eof: keep reading after stdin ends, until our close_notify.
        await using var client = OpenSslProcess.Start(_dir, "s_client", "-connect", $"127.0.0.1:{port}", "-tls1_3",
            "-CAfile", "ca-certificate.pem", "-servername", S2nInterop.ServerName, "-verify_hostname", S2nInterop.ServerName,
            "-verify_return_error", "-groups", OpenSslGroup(group), "-ign_eof");
        using var socket = await listener.AcceptSocketAsync().WaitAsync(Timeout);
        using var cts = new CancellationTokenSource(Timeout);
        await using var stream = new TlsStream(new NetworkStream(socket, ownsSocket: false));
        await stream.AuthenticateAsServerAsync(ourConfig, cts.Token);
        await client.StandardInput.WriteAsync("ping from openssl\n");
        await client.StandardInput.FlushAsync(cts.Token);
        client.StandardInput.Close();
        string line = await ReadLineAsync(stream, cts.Token);
        await stream.WriteAsync("pong from reference\n"u8.ToArray(), cts.Token);
        await stream.ShutdownAsync(cts.Token);
        int afterClose = await stream.ReadAsync(new byte[16], cts.Token); // s_client answers with close_notify
        int exitCode = await client.WaitForExitAsync(Timeout);

        var info = stream.ConnectionInfo!;
        Assert.Equal("ping from openssl\n", line);
        Assert.Equal(0, afterClose);
        Assert.True(exitCode == 0, client.Transcript);
        Assert.Equal(SignatureScheme.Ed25519, info.ServerSignatureScheme);
        Assert.Equal(suite, info.CipherSuite);
        Assert.Equal(group, info.Group);
        string output = client.Stdout;
        Assert.Contains("pong from reference\n", output);
        Assert.Contains($"New, TLSv1.3, Cipher is {S2nInterop.IanaName(suite)}\n", output);
        Assert.Contains("Peer signature type: ed25519\n", output);
        Assert.Contains($"Server Temp Key: {OpenSslTempKey(group)}", output);
        Assert.Contains("Verify return code: 0 (ok)\n", output);
    }

    private (string Leaf, string Intermediate) SplitServerChain()
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(_pki.ServerChainPem);
        Assert.Equal(2, chain.Count);
        return (chain[0].ExportCertificatePem() + "\n", chain[1].ExportCertificatePem() + "\n");
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (!line.ToString().EndsWith('\n'))
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                throw new EndOfStreamException($"stream ended after '{line}'");
            }

            line.Append((char)one[0]);
        }

        return line.ToString();
    }

    private static string OpenSslTempKey(NamedGroup group) => group switch
    {
        NamedGroup.X25519 => "X25519, 253 bits",
        NamedGroup.Secp384r1 => "ECDH, secp384r1, 384 bits",
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };

    private static string OpenSslGroup(NamedGroup group) => group switch
    {
        NamedGroup.X25519 => "X25519",
        NamedGroup.Secp256r1 => "P-256",
        NamedGroup.Secp384r1 => "P-384",
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };
}
