using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Malformed;

/// <summary>
/// A client and a server whose flights are moved by hand, so a test can stop, inspect or alter any of them.
/// Both log their traffic secrets so protected records can be opened and re-sealed.
/// </summary>
internal sealed class Scenario : IDisposable
{
    public const CipherSuite Suite = CipherSuite.TlsAes128GcmSha256;

    /// <summary>One parsed certificate and trust store for all scenarios (the fuzz tests build thousands).</summary>
    private static readonly Lazy<(TlsConfig Client, TlsConfig Server)> Base = new(() => InMemoryPair.Configs());

    public Scenario(ClientAuthMode clientAuth = ClientAuthMode.None, bool middlebox = true, Func<TlsConfig, TlsConfig>? client = null, Func<TlsConfig, TlsConfig>? server = null)
    {
        var c = new TlsConfig
        {
            TrustStore = Base.Value.Client.TrustStore, CipherSuites = [Suite], KeyLogCallback = ClientKeys.Add,
            MiddleboxCompatibility = middlebox,
        };
        var s = new TlsConfig
        {
            Certificate = Base.Value.Server.Certificate, TrustStore = Base.Value.Server.TrustStore, ClientAuth = clientAuth,
            KeyLogCallback = ServerKeys.Add,
        };
        Server = TlsConnection.CreateServer(server?.Invoke(s) ?? s);
        Client = TlsConnection.CreateClient(client?.Invoke(c) ?? c, "localhost");
    }

    public KeyLog ClientKeys { get; } = new();

    public KeyLog ServerKeys { get; } = new();

    public TlsConnection Client { get; }

    public TlsConnection Server { get; }

    public static byte[] Take(TlsConnection connection)
    {
        var bytes = connection.PendingOutput.ToArray();
        connection.ConsumeOutput(bytes.Length);
        return bytes;
    }

    /// <summary>The client's first flight: one plaintext record holding ClientHello.</summary>
    public byte[] ClientHelloRecord() => Take(Client);

    /// <summary>Moves the ClientHello to the server and returns the server's whole flight.</summary>
    public byte[] ServerFlight()
    {
        Server.Feed(ClientHelloRecord());
        return Take(Server);
    }

    /// <summary>Runs the handshake up to the client's final flight and returns it (not yet delivered).</summary>
    public byte[] ClientFinalFlight()
    {
        Client.Feed(ServerFlight());
        Assert.True(Client.IsHandshakeComplete);
        return Take(Client);
    }

    /// <summary>Completes the handshake on both sides; returns nothing left in flight.</summary>
    public void Complete()
    {
        Server.Feed(ClientFinalFlight());
        Assert.True(Server.IsHandshakeComplete);
        Assert.False(Server.HasPendingOutput);
    }

    /// <summary>The ClientHello a real client sent, parsed.</summary>
    public static ClientHello ParseClientHello(byte[] record)
    {
        var message = Bytes.SplitHandshake(Bytes.SplitRecords(record)[0].Payload)[0];
        Assert.Equal((byte)HandshakeType.ClientHello, message[0]);
        return ClientHello.Parse(message.AsSpan(4));
    }

    public static byte[] ClientHelloRecord(ClientHello hello) => Bytes.HandshakeRecord(HandshakeType.ClientHello, Bytes.Write(hello.Write));

    /// <summary>A copy of <paramref name="h"/> with the given fields replaced.</summary>
    public static ClientHello With(ClientHello h, ushort? version = null, byte[]? random = null, byte[]? sessionId = null,
        List<ushort>? suites = null, byte[]? compression = null, List<Extension>? extensions = null) => new()
    {
        LegacyVersion = version ?? h.LegacyVersion,
        Random = random ?? h.Random,
        LegacySessionId = sessionId ?? h.LegacySessionId,
        CipherSuites = suites ?? h.CipherSuites,
        LegacyCompressionMethods = compression ?? h.LegacyCompressionMethods,
        Extensions = extensions ?? h.Extensions,
    };

    /// <summary><paramref name="h"/>'s extensions with <paramref name="type"/> removed, replaced, or appended.</summary>
    public static List<Extension> SetExtension(ClientHello h, ExtensionType type, byte[]? data)
    {
        var list = h.Extensions.Where(e => e.Type != type).ToList();
        if (data is not null)
        {
            list.Add(new Extension(type, data));
        }

        return list;
    }

    public static byte[] U16List(params ushort[] values) => Bytes.Write(w =>
    {
        var m = w.BeginVector(2);
        foreach (var v in values)
        {
            w.WriteU16(v);
        }

        w.EndVector(m);
    });

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
