using System.Security.Cryptography;
using Reference.S2n;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Interop;

/// <summary>
/// Every TLS 1.3 suite × group × server key kind, our engine against C s2n-tls in both roles, 1 MiB each
/// way, with the parameters s2n reports compared to ours.
/// </summary>
public sealed class S2nMatrixTests
{
    private const int OneMiB = 1 << 20;

    // One random payload per direction for the whole run; each case compares what arrived against them.
    private static readonly byte[] Upload = RandomNumberGenerator.GetBytes(OneMiB);
    private static readonly byte[] Download = RandomNumberGenerator.GetBytes(OneMiB);

    public static TheoryData<CipherSuite, NamedGroup, int> Matrix()
    {
        var data = new TheoryData<CipherSuite, NamedGroup, int>();
        foreach (var suite in new[] { CipherSuite.TlsAes128GcmSha256, CipherSuite.TlsAes256GcmSha384, CipherSuite.TlsChacha20Poly1305Sha256 })
        {
            foreach (var group in new[] { NamedGroup.X25519, NamedGroup.Secp256r1, NamedGroup.Secp384r1 })
            {
                foreach (var kind in new[] { KeyKind.EcdsaP256, KeyKind.Rsa2048 })
                {
                    data.Add(suite, group, (int)kind);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Our_client_with_s2n_server(CipherSuite suite, NamedGroup group, int kind)
    {
        var pki = S2nInterop.Pki((KeyKind)kind);
        using var s2nConfig = S2nInterop.ServerConfig(pki);
        var ourConfig = new TlsConfig { TrustStore = TrustStore.FromPem(pki.CaPem), CipherSuites = [suite], Groups = [group] };

        var (ours, s2n) = await S2nInterop.RunAsync(S2nMode.Server, s2nConfig,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsClientAsync(ourConfig, S2nInterop.ServerName, ct);
                return await ExchangeAsync(stream, send: Upload, ct);
            },
            s2n: c => Exchange(c, send: Download));

        AssertTransfer(ours, s2n, received: Download, sent: Upload);
        AssertSameParameters(ours.Info, s2n.Negotiated, suite, group, (KeyKind)kind);
        // Our client sent a key share for its only group, which s2n supports: no retry.
        Assert.False(ours.Info.HelloRetryRequest);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
    //= type=test
    //# If the server selects an (EC)DHE group and the client did not offer a
    //# compatible "key_share" extension in the initial ClientHello, the
    //# server MUST respond with a HelloRetryRequest (Section 4.1.4) message.
    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task S2n_client_with_our_server(CipherSuite suite, NamedGroup group, int kind)
    {
        var pki = S2nInterop.Pki((KeyKind)kind);
        using var s2nConfig = S2nInterop.ClientConfig(pki);
        var ourConfig = new TlsConfig
        {
            Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem),
            CipherSuites = [suite],
            Groups = [group],
        };

        var (ours, s2n) = await S2nInterop.RunAsync(S2nMode.Client, s2nConfig,
            ours: async (stream, ct) =>
            {
                await stream.AuthenticateAsServerAsync(ourConfig, ct);
                return await ExchangeAsync(stream, send: Download, ct);
            },
            s2n: c => Exchange(c, send: Upload));

        AssertTransfer(ours, s2n, received: Upload, sent: Download);
        AssertSameParameters(ours.Info, s2n.Negotiated, suite, group, (KeyKind)kind);
        // Policy 20190801's client sends one key share, for x25519: any other group needs a retry.
        Assert.Equal(group != NamedGroup.X25519, ours.Info.HelloRetryRequest);
    }

    internal sealed record OurSide(ConnectionInfo Info, byte[] Received, int ReadAfterPeerClose, bool PeerClosed);

    internal sealed record S2nSide(S2nNegotiated Negotiated, byte[] Received, int ReceiveAfterPeerClose);

    /// <summary>
    /// Our half of the exchange: a client sends first, a server receives first (s2n is single-threaded, so
    /// the two never both send at once). Then we close first and wait for s2n's close_notify.
    /// </summary>
    private static async Task<OurSide> ExchangeAsync(TlsStream stream, byte[] send, CancellationToken ct)
    {
        bool client = stream.Connection.Role == TlsRole.Client;
        byte[] received = [];
        if (!client)
        {
            received = await S2nInterop.ReadExactlyAsync(stream, OneMiB, ct);
        }

        await stream.WriteAsync(send, ct);
        if (client)
        {
            received = await S2nInterop.ReadExactlyAsync(stream, OneMiB, ct);
        }

        await stream.ShutdownAsync(ct);
        int tail = await stream.ReadAsync(new byte[16], ct);
        return new OurSide(stream.ConnectionInfo!, received, tail, stream.Connection.IsPeerClosed);
    }

    /// <summary>s2n's half, mirroring <see cref="ExchangeAsync"/>; answers our close_notify with its own.</summary>
    private static S2nSide Exchange(S2nConnection c, byte[] send)
    {
        var received = new byte[OneMiB];
        if (c.Mode == S2nMode.Client)
        {
            c.SendAll(send);
            c.ReceiveExactly(received);
        }
        else
        {
            c.ReceiveExactly(received);
            c.SendAll(send);
        }

        int afterClose = c.Receive(new byte[16]);
        c.Shutdown();
        return new S2nSide(S2nNegotiated.Read(c), received, afterClose);
    }

    private static void AssertTransfer(OurSide ours, S2nSide s2n, byte[] received, byte[] sent)
    {
        Assert.True(ours.Received.AsSpan().SequenceEqual(received), "our side received corrupted data");
        Assert.True(s2n.Received.AsSpan().SequenceEqual(sent), "s2n received corrupted data");
        Assert.Equal(0, s2n.ReceiveAfterPeerClose); // our close_notify reached s2n
        Assert.Equal(0, ours.ReadAfterPeerClose);   // s2n's close_notify reached us
        Assert.True(ours.PeerClosed);
    }

    private static void AssertSameParameters(ConnectionInfo ours, S2nNegotiated s2n, CipherSuite suite, NamedGroup group, KeyKind kind)
    {
        Assert.Equal(S2nInterop.S2nTls13, s2n.Version);
        Assert.Equal("TLSv1.3", ours.Version);
        Assert.Equal(suite, ours.CipherSuite);
        Assert.Equal(S2nInterop.IanaName(suite), s2n.Suite);
        Assert.Equal(group, ours.Group);
        Assert.Equal(S2nInterop.IanaName(group), s2n.Curve);
        Assert.Equal(S2nInterop.IanaName(ours.ServerSignatureScheme), s2n.Scheme);
        Assert.Equal(ours.HelloRetryRequest, s2n.HelloRetry);
        if (kind == KeyKind.Rsa2048)
        {
            // TLS 1.3 signs with RSA only through RSASSA-PSS (RFC 8446 §4.2.3).
            Assert.Contains(ours.ServerSignatureScheme,
                new[] { SignatureScheme.RsaPssRsaeSha256, SignatureScheme.RsaPssRsaeSha384, SignatureScheme.RsaPssRsaeSha512 });
        }
        else
        {
            Assert.Equal(SignatureScheme.EcdsaSecp256r1Sha256, ours.ServerSignatureScheme);
        }

        Assert.Null(ours.ClientSignatureScheme);
        Assert.False(s2n.ClientCertUsed);
    }
}
