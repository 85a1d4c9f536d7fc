using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Reference.S2n;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Interop;

/// <summary>What C s2n says it negotiated, read on its own thread right after the session.</summary>
internal sealed record S2nNegotiated(int Version, string Suite, string Curve, string? Scheme, bool HelloRetry,
    bool ClientCertUsed, string HandshakeType)
{
    internal static S2nNegotiated Read(S2nConnection c) => new(c.ActualProtocolVersion, c.CipherSuite, c.Curve,
        c.SignatureScheme, c.IsHelloRetry, c.ClientCertUsed, c.HandshakeTypeName);
}

/// <summary>
/// Runs our engine (a <see cref="TlsStream"/>) against the real C s2n-tls over loopback TCP. s2n blocks,
/// so it runs on its own thread (<see cref="S2nPeer"/>); our side runs async. A missing s2n library makes
/// every test fail (S2nLibrary throws), never skip.
/// </summary>
internal static class S2nInterop
{
    /// <summary>
    /// s2n policy "20190801": TLS 1.3 with all three suites (AES-128-GCM, AES-256-GCM, ChaCha20) and the
    /// groups x25519, secp256r1, secp384r1 in that order, so an s2n client's one key share is x25519.
    /// </summary>
    internal const string Policy = "20190801";

    /// <summary>s2n's S2N_TLS13 constant.</summary>
    internal const int S2nTls13 = 34;

    internal const string ServerName = "localhost";

    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FailureGrace = TimeSpan.FromSeconds(2);

    // RSA key generation is slow; one PKI per key kind serves every test of the run.
    private static readonly ConcurrentDictionary<KeyKind, Lazy<GeneratedPki>> Pkis = new();

    internal static GeneratedPki Pki(KeyKind kind) =>
        Pkis.GetOrAdd(kind, k => new Lazy<GeneratedPki>(() => CertificateGenerator.Generate(k, ServerName))).Value;

    internal static S2nConfig ServerConfig(GeneratedPki pki)
    {
        var config = new S2nConfig();
        config.SetSecurityPolicy(Policy);
        config.AddCertChainAndKey(pki.ServerChainPem, pki.ServerKeyPem);
        return config;
    }

    internal static S2nConfig ClientConfig(GeneratedPki pki)
    {
        var config = new S2nConfig();
        config.SetSecurityPolicy(Policy);
        config.WipeTrustStore();
        config.AddTrustedPem(pki.CaPem);
        return config;
    }

    internal static TlsConfig OurClientConfig(GeneratedPki pki) => new()
    {
        TrustStore = TrustStore.FromPem(pki.CaPem),
    };

    internal static TlsConfig OurServerConfig(GeneratedPki pki) => new()
    {
        Certificate = CertificateKeyPair.FromPem(pki.ServerChainPem, pki.ServerKeyPem),
    };

    /// <summary>
    /// Connects our side and an s2n endpoint of <paramref name="s2nMode"/> over loopback TCP, runs both
    /// sessions and returns what each computed; throws, with both outcomes, if either side failed.
    /// </summary>
    internal static async Task<(TOurs Ours, TS2n S2n)> RunAsync<TOurs, TS2n>(
        S2nMode s2nMode, S2nConfig s2nConfig,
        Func<TlsStream, CancellationToken, Task<TOurs>> ours, Func<S2nConnection, TS2n> s2n)
    {
        var (ourTask, s2nTask) = await RunToCompletionAsync(s2nMode, s2nConfig, ours, s2n);
        if (s2nTask.IsFaulted || ourTask.IsFaulted)
        {
            throw new AggregateException(
                $"interop failed: ours {Describe(ourTask)}; s2n {Describe(s2nTask)}",
                new[] { ourTask.Exception, s2nTask.Exception }.OfType<Exception>());
        }

        return (ourTask.Result, s2nTask.Result);
    }

    /// <summary>
    /// Like <see cref="RunAsync"/> but returns both finished tasks, faulted or not (for failure tests). If
    /// either side fails, the sockets are shut down so the other wakes up instead of waiting for bytes.
    /// </summary>
    internal static async Task<(Task<TOurs> Ours, Task<TS2n> S2n)> RunToCompletionAsync<TOurs, TS2n>(
        S2nMode s2nMode, S2nConfig s2nConfig,
        Func<TlsStream, CancellationToken, Task<TOurs>> ours, Func<S2nConnection, TS2n> s2n)
    {
        var (serverSocket, clientSocket) = await ConnectLoopbackAsync();
        var s2nSocket = s2nMode == S2nMode.Server ? serverSocket : clientSocket;
        var ourSocket = s2nMode == S2nMode.Server ? clientSocket : serverSocket;
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            var s2nTask = S2nPeer.RunAsync(s2nMode, c => c.UseSocket(s2nSocket), s2nConfig,
                s2nMode == S2nMode.Client ? ServerName : null, s2n);
            var ourTask = Task.Run(async () =>
            {
                await using var stream = new TlsStream(new NetworkStream(ourSocket, ownsSocket: false));
                return await ours(stream, cts.Token);
            });

            var first = await Task.WhenAny(s2nTask, ourTask).WaitAsync(Timeout);
            if (first.IsFaulted)
            {
                // Give the other side a moment to read the alert the failed side sent, then cut the
                // transport: it may be waiting for bytes that never come.
                Task other = first == s2nTask ? ourTask : s2nTask;
                await Task.WhenAny(other, Task.Delay(FailureGrace));
                Abort(serverSocket, clientSocket);
            }

            await Task.WhenAll(s2nTask, ourTask).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Timeout);
            return (ourTask, s2nTask);
        }
        finally
        {
            Abort(serverSocket, clientSocket);
        }
    }

    private static string Describe(Task task) =>
        task.Exception?.InnerException is { } e ? $"{e.GetType().Name}: {e.Message}" : task.Status.ToString();

    internal static async Task<(Socket Server, Socket Client)> ConnectLoopbackAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var server = await accept.WaitAsync(Timeout);
        server.NoDelay = true;
        return (server, client);
    }

    private static void Abort(params Socket[] sockets)
    {
        foreach (var socket in sockets)
        {
            try
            {
                // shutdown(2) wakes a thread blocked in recv inside s2n; close alone would not.
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // already closed
            }

            socket.Dispose();
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes of application data.</summary>
    internal static async Task<byte[]> ReadExactlyAsync(Stream stream, int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, ct);
        return buffer;
    }

    internal static string IanaName(CipherSuite suite) => suite switch
    {
        CipherSuite.TlsAes128GcmSha256 => "TLS_AES_128_GCM_SHA256",
        CipherSuite.TlsAes256GcmSha384 => "TLS_AES_256_GCM_SHA384",
        CipherSuite.TlsChacha20Poly1305Sha256 => "TLS_CHACHA20_POLY1305_SHA256",
        _ => throw new ArgumentOutOfRangeException(nameof(suite), suite, null),
    };

    internal static string IanaName(NamedGroup group) => group switch
    {
        NamedGroup.X25519 => "x25519",
        NamedGroup.Secp256r1 => "secp256r1",
        NamedGroup.Secp384r1 => "secp384r1",
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };

    internal static string IanaName(SignatureScheme scheme) => scheme switch
    {
        SignatureScheme.EcdsaSecp256r1Sha256 => "ecdsa_secp256r1_sha256",
        SignatureScheme.EcdsaSecp384r1Sha384 => "ecdsa_secp384r1_sha384",
        SignatureScheme.RsaPssRsaeSha256 => "rsa_pss_rsae_sha256",
        SignatureScheme.RsaPssRsaeSha384 => "rsa_pss_rsae_sha384",
        SignatureScheme.RsaPssRsaeSha512 => "rsa_pss_rsae_sha512",
        SignatureScheme.Ed25519 => "ed25519",
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, null),
    };
}
