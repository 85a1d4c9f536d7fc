using System.Net.Sockets;
using Reference.S2n;
using Reference.Tls;

namespace Reference.Interop;

/// <summary>Where the interop PEM files are: $INTEROP_CERTIFICATES, else &lt;repo&gt;/interop/certificates.</summary>
internal sealed record CertificateFiles(string Directory)
{
    public string Ca => Path.Combine(Directory, "ca-certificate.pem");
    public string ServerChain => Path.Combine(Directory, "server-chain.pem");
    public string ServerKey => Path.Combine(Directory, "server-key.pem");
    public string ClientChain => Path.Combine(Directory, "client-certificate.pem");
    public string ClientKey => Path.Combine(Directory, "client-key.pem");

    public static CertificateFiles Locate()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("INTEROP_CERTIFICATES");
        return new CertificateFiles(string.IsNullOrWhiteSpace(fromEnv)
            ? Path.Combine(RepositoryRoot(), "interop", "certificates")
            : Path.GetFullPath(fromEnv));
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reference.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no folder containing Reference.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>Turns a connected socket into an established <see cref="ITlsSession"/> of the named implementation.</summary>
internal static class Endpoints
{
    public const string Ours = "ours";
    public const string OursAsync = "ours-async";
    public const string S2n = "s2n";
    public const string ServerName = "localhost";

    // client_hello_retry: every client's first key share is X25519 and no server accepts X25519, so each
    // server must answer with a HelloRetryRequest for a group both support (secp256r1).
    private const string S2nRetryClientPolicy = "20190801";   // x25519 first
    private const string S2nRetryServerPolicy = "20230317";   // NIST curves only, no x25519

    /// <summary><paramref name="ticket"/>: a client's saved session to resume (session_resumption's second connection).</summary>
    public static ITlsSession Handshake(string impl, bool isServer, string scenario, Socket socket, CertificateFiles certs,
        ResumptionTicket? ticket = null)
    {
        socket.NoDelay = true;
        Stream transport = new NetworkStream(socket, ownsSocket: true);
        if (scenario == Scenarios.SmallTcpPacket)
            transport = new TinyWriteStream(transport, TinyWriteStream.DefaultMaxWrite);
        return impl switch
        {
            Ours or OursAsync => HandshakeOurs(isServer, scenario, transport, certs, impl == OursAsync, ticket),
            S2n => HandshakeS2n(isServer, scenario, socket, transport, certs, ticket),
            _ => throw new ArgumentException($"unknown implementation '{impl}' (ours, ours-async, s2n)"),
        };
    }

    private static OursSession HandshakeOurs(bool isServer, string scenario, Stream transport, CertificateFiles certs, bool useAsync,
        ResumptionTicket? ticket)
    {
        bool mtls = scenario == Scenarios.MtlsRequestResponse;
        bool retry = scenario == Scenarios.ClientHelloRetry;
        var tls = new TlsStream(transport);
        try
        {
            if (isServer)
            {
                var config = new TlsConfig
                {
                    Certificate = CertificateKeyPair.FromPemFiles(certs.ServerChain, certs.ServerKey),
                    ClientAuth = mtls ? ClientAuthMode.Required : ClientAuthMode.None,
                    TrustStore = mtls ? TrustStore.FromPemFile(certs.Ca) : null,
                    Groups = retry ? [NamedGroup.Secp256r1, NamedGroup.Secp384r1] : new TlsConfig().Groups,
                };
                config = PskSetup.ConfigureOurs(config, isServer, scenario);
                if (useAsync) tls.AuthenticateAsServerAsync(config).GetAwaiter().GetResult();
                else tls.AuthenticateAsServer(config);
            }
            else
            {
                var config = new TlsConfig
                {
                    TrustStore = TrustStore.FromPemFile(certs.Ca),
                    Certificate = mtls ? CertificateKeyPair.FromPemFiles(certs.ClientChain, certs.ClientKey) : null,
                    Groups = retry ? [NamedGroup.X25519, NamedGroup.Secp256r1] : new TlsConfig().Groups,
                };
                config = PskSetup.ConfigureOurs(config, isServer, scenario);
                if (useAsync) tls.AuthenticateAsClientAsync(config, ServerName, ticket?.Ours).GetAwaiter().GetResult();
                else tls.AuthenticateAsClient(config, ServerName, ticket?.Ours);
            }
            return new OursSession(tls, useAsync);
        }
        catch
        {
            tls.Dispose();
            throw;
        }
    }

    private static S2nSession HandshakeS2n(bool isServer, string scenario, Socket socket, Stream transport, CertificateFiles certs,
        ResumptionTicket? ticket)
    {
        bool mtls = scenario == Scenarios.MtlsRequestResponse;
        bool retry = scenario == Scenarios.ClientHelloRetry;
        var config = new S2nConfig();
        S2nConnection? connection = null;
        try
        {
            config.WipeTrustStore();
            if (isServer)
            {
                config.SetSecurityPolicy(retry ? S2nRetryServerPolicy : "default_tls13");
                config.AddCertChainAndKey(File.ReadAllText(certs.ServerChain), File.ReadAllText(certs.ServerKey));
                if (mtls)
                {
                    config.SetClientAuth(S2nClientAuth.Required);
                    config.AddTrustedPem(File.ReadAllText(certs.Ca));
                    // The client leaf names no host; the chain to the CA is what authenticates it.
                    config.SetVerifyHost(_ => true);
                }
            }
            else
            {
                config.SetSecurityPolicy(retry ? S2nRetryClientPolicy : "default_tls13");
                config.AddTrustedPem(File.ReadAllText(certs.Ca));
                if (mtls)
                {
                    config.SetClientAuth(S2nClientAuth.Required);
                    config.AddCertChainAndKey(File.ReadAllText(certs.ClientChain), File.ReadAllText(certs.ClientKey));
                }
            }

            PskSetup.ConfigureS2n(config, isServer, scenario);
            connection = new S2nConnection(isServer ? S2nMode.Server : S2nMode.Client, config);
            PskSetup.PrepareS2n(connection, scenario, ticket);
            if (!isServer)
                connection.SetServerName(ServerName);
            if (transport is TinyWriteStream)
                connection.UseStream(transport);
            else
                connection.UseSocket(socket);
            connection.Negotiate();
            return new S2nSession(connection, config, transport);
        }
        catch
        {
            connection?.Dispose();
            config.Dispose();
            transport.Dispose();
            throw;
        }
    }
}

/// <summary>small_tcp_packet: every write reaches the socket in pieces of at most a few bytes (with NoDelay set,
/// each piece tends to be its own TCP segment), so records and handshake messages arrive fragmented.</summary>
internal sealed class TinyWriteStream(Stream inner, int maxWrite) : Stream
{
    public const int DefaultMaxWrite = 4;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i += maxWrite)
            inner.Write(buffer.Slice(i, Math.Min(maxWrite, buffer.Length - i)));
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < buffer.Length; i += maxWrite)
            await inner.WriteAsync(buffer.Slice(i, Math.Min(maxWrite, buffer.Length - i)), cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override bool CanRead => inner.CanRead;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
