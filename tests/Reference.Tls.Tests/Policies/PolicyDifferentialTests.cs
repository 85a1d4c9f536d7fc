using System.Text;
using Reference.S2n;
using Reference.Tls.Certificates;
using Reference.Tls.Tests.Interop;
using Reference.Tls.Tests.S2nAcceptance;

namespace Reference.Tls.Tests.Policies;

/// <summary>
/// Each s2n security policy, ours against C s2n-tls: the same ClientHello, and the same negotiated
/// suite, group and signature scheme as s2n negotiates with itself for that policy.
/// </summary>
public class PolicyDifferentialTests
{
    public static readonly TheoryData<string> Policies =
        ["default", "default_tls13", "default_fips", "default_pq", "20190801", "20230317", "20240503", "rfc9151", "20260720", "20260722"];

    private static readonly string[] Alpn = ["h2", "http/1.1"];

    [Theory]
    [MemberData(nameof(Policies))]
    public void Our_client_hello_matches_s2ns(string policy)
    {
        var theirs = ClientHelloShape.Describe(CaptureS2nClientHello(policy));
        using var ours = TlsConnection.CreateClient(
            TlsConfig.FromPolicy(policy) with { ApplicationProtocols = Alpn, DangerousDisableCertificateVerification = true }, "localhost");
        Assert.Equal(theirs, ClientHelloShape.Describe(ours.PendingOutput));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task Negotiation_with_s2n_matches_s2n_with_itself(string policy)
    {
        var pki = S2nInterop.Pki(CertificateFor(policy));
        var reference = await S2nWithItselfAsync(policy, pki);

        using var s2nServer = S2nServer(policy, pki);
        var (_, asServer) = await S2nInterop.RunAsync(S2nMode.Server, s2nServer,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsClientAsync(TlsConfig.FromPolicy(policy) with { TrustStore = TrustStore.FromPem(pki.CaPem) }, "localhost", ct);
                await stream.ShutdownAsync(ct);
                return 0;
            },
            s2n: Observe);

        using var s2nClient = S2nClient(policy, pki);
        var (_, asClient) = await S2nInterop.RunAsync(S2nMode.Client, s2nClient,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsServerAsync(TlsConfig.FromPolicy(policy) with { Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem) }, ct);
                await stream.ShutdownAsync(ct);
                return 0;
            },
            s2n: Observe);

        Assert.Equal(reference, asServer);
        Assert.Equal(reference, asClient);
    }

    /// <summary>What s2n reports after its handshake: suite, group and signature scheme, and whether it retried.</summary>
    private static string Observe(S2nConnection c)
    {
        var observed = $"{c.CipherSuite} {c.KeyExchangeGroup ?? c.Curve} {c.SignatureScheme} retry={c.IsHelloRetry}";
        c.Shutdown();
        return observed;
    }

    private static async Task<string> S2nWithItselfAsync(string policy, GeneratedPki pki)
    {
        var (a, b) = DuplexStream.CreatePair();
        using var server = S2nServer(policy, pki);
        using var client = S2nClient(policy, pki);
        var serverTask = S2nPeer.RunAsync(S2nMode.Server, c => c.UseStream(a), server, null, Observe);
        var clientTask = S2nPeer.RunAsync(S2nMode.Client, c => c.UseStream(b), client, "localhost", Observe);
        var results = await Task.WhenAll(serverTask, clientTask).WaitAsync(S2nInterop.Timeout);
        a.Dispose();
        b.Dispose();
        Assert.Equal(results[0], results[1]);
        return results[0];
    }

    // The policy → certificate rule and the s2n configurations are shared with the policy matrix.
    private static KeyKind CertificateFor(string policy) => PolicyMatrix.CertificateFor(policy);

    private static S2nConfig S2nServer(string policy, GeneratedPki pki) => PolicyMatrix.S2nServer(policy, pki);

    private static S2nConfig S2nClient(string policy, GeneratedPki pki) => PolicyMatrix.S2nClient(policy, pki);

    /// <summary>The first flight of an s2n client: it writes its ClientHello, then finds the transport closed.</summary>
    private static byte[] CaptureS2nClientHello(string policy)
    {
        S2nLibrary.EnsureInitialized();
        using var config = new S2nConfig();
        config.SetSecurityPolicy(policy);
        config.SetAlpn(Alpn);
        using var connection = new S2nConnection(S2nMode.Client, config);
        connection.SetServerName("localhost");
        var capture = new CaptureStream();
        connection.UseStream(capture);
        Assert.ThrowsAny<Exception>(connection.Negotiate);
        return capture.Written.ToArray();
    }

    /// <summary>Keeps what is written; reads end at once (EOF).</summary>
    private sealed class CaptureStream : Stream
    {
        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written.Length;

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);
    }
}
