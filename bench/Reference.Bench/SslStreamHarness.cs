using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Reference.Tls.Certificates;

namespace Reference.Bench;

/// <summary>
/// .NET SslStream (OpenSSL on Linux) over <see cref="MemoryDuplexStream"/>: no sockets. TLS 1.3 only,
/// session resumption off so every handshake is a full one. The key exchange group cannot be chosen
/// through SslStream (OpenSSL's default list offers X25519 first), so the secp256r1 row is not run.
/// </summary>
internal sealed class SslStreamHarness : IEngineHarness
{
    private readonly Dictionary<HandshakeCase, Options> _idleOptions = [];

    public Engine Engine => Engine.SslStream;

    public string? Unsupported(HandshakeCase scenario) =>
        scenario.ExpectedGroup == NamedGroup.X25519 ? null : "SslStream cannot select the key exchange group";

    public IHandshaker CreateHandshaker(HandshakeCase scenario) => new Handshaker(Options.For(scenario.Cert, null));

    public IBulkPair CreateBulkPair(BulkCase scenario)
    {
        var (client, server, _) = Establish(Options.For(KeyKind.EcdsaP256, scenario.DotNetSuite));
        return new BulkPair(client, server);
    }

    public IDisposable EstablishIdle(HandshakeCase scenario)
    {
        if (!_idleOptions.TryGetValue(scenario, out var options))
        {
            options = Options.For(scenario.Cert, null);
            _idleOptions[scenario] = options;
        }
        var (client, server, transports) = Establish(options);
        transports.First.Trim();
        transports.Second.Trim();
        return new IdlePair(client, server);
    }

    private static (SslStream Client, SslStream Server, (MemoryDuplexStream First, MemoryDuplexStream Second) Transports) Establish(Options options)
    {
        var transports = MemoryDuplexStream.CreatePair();
        var server = new SslStream(transports.First, leaveInnerStreamOpen: false);
        var client = new SslStream(transports.Second, leaveInnerStreamOpen: false);
        Task.WhenAll(
            server.AuthenticateAsServerAsync(options.Server),
            client.AuthenticateAsClientAsync(options.Client)).GetAwaiter().GetResult();
        return (client, server, transports);
    }

    /// <summary>Authentication options for both sides; the certificate context is built once and shared.</summary>
    internal sealed record Options(SslClientAuthenticationOptions Client, SslServerAuthenticationOptions Server)
    {
        public static Options For(KeyKind cert, TlsCipherSuite? onlySuite)
        {
            var pki = Pki.Get(cert);
            var leaf = X509Certificate2.CreateFromPem(pki.ServerChainPem, pki.ServerKeyPem);
            var chain = new X509Certificate2Collection();
            chain.ImportFromPem(pki.ServerChainPem);
            var intermediates = new X509Certificate2Collection();
            for (int i = 1; i < chain.Count; i++)
                intermediates.Add(chain[i]);
            var policy = onlySuite is { } suite && !OperatingSystem.IsWindows() ? new CipherSuitesPolicy([suite]) : null;
            var trust = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            trust.CustomTrustStore.Add(X509Certificate2.CreateFromPem(pki.CaPem));
            var client = new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls13,
                CertificateChainPolicy = trust,
                AllowTlsResume = false,
                CipherSuitesPolicy = policy,
            };
            var server = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = SslStreamCertificateContext.Create(leaf, intermediates, offline: true),
                EnabledSslProtocols = SslProtocols.Tls13,
                AllowTlsResume = false,
                CipherSuitesPolicy = policy,
            };
            return new Options(client, server);
        }
    }

    private sealed class Handshaker(Options options) : IHandshaker
    {
        public string Negotiated { get; private set; } = "?";

        public void HandshakeOnce()
        {
            var (client, server, _) = Establish(options);
            Negotiated = $"{client.NegotiatedCipherSuite} / (OpenSSL default group)";
            client.Dispose();
            server.Dispose();
        }
    }

    private sealed class BulkPair(SslStream client, SslStream server) : IBulkPair
    {
        private readonly byte[] _payload = new byte[BulkCase.WriteSize];
        private readonly byte[] _sink = new byte[BulkCase.WriteSize];

        public string Negotiated => client.NegotiatedCipherSuite.ToString();

        public TimeSpan Transfer(int records)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < records; i++)
            {
                client.Write(_payload);
                int got = 0;
                while (got < _payload.Length)
                {
                    int n = server.Read(_sink, got, _sink.Length - got);
                    if (n == 0)
                        throw new EndOfStreamException("SslStream pair closed during bulk transfer");
                    got += n;
                }
            }
            return Stopwatch.GetElapsedTime(start);
        }

        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private sealed class IdlePair(SslStream client, SslStream server) : IDisposable
    {
        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
        }
    }
}
