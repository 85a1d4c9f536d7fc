using System.Buffers.Binary;
using Reference.S2n;
using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;

namespace Reference.Fuzz;

/// <summary>
/// Captures seed corpora from a real C s2n-tls client ↔ C s2n-tls server handshake (mutual auth, then a
/// KeyUpdate and application data) through the binding's stream I/O, decrypts both directions with the
/// key log, and writes each handshake message and extension body to the target that parses it.
/// </summary>
internal static class CorpusCapture
{
    public static int Run(string outDir)
    {
        var (toServer, toClient, keyLog) = RecordHandshake();
        var files = new Dictionary<string, List<byte[]>>();
        void Add(string target, byte[] data) => (files.TryGetValue(target, out var l) ? l : files[target] = []).Add(data);

        Add("ServerEngine", toServer);
        Add("ClientEngine", toClient);
        Add("RecordLayer", [0x3E, .. toClient]);
        var suite = SuiteOf(toClient);
        foreach (var (fromClient, stream) in new[] { (true, toServer), (false, toClient) })
        {
            foreach (var message in Decrypt(stream, suite, keyLog, fromClient))
            {
                AddMessage(Add, message);
            }
        }

        foreach (var (target, list) in files)
        {
            var dir = Directory.CreateDirectory(Path.Combine(outDir, target)).FullName;
            for (int i = 0; i < list.Count; i++)
            {
                File.WriteAllBytes(Path.Combine(dir, $"s2n-{i:D2}"), list[i]);
            }

            Console.WriteLine($"{target}: {list.Count} file(s)");
        }

        return 0;
    }

    private static (byte[] ToServer, byte[] ToClient, List<string> KeyLog) RecordHandshake()
    {
        var pki = StatefulTargets.Pki;
        var keyLog = new List<string>();
        using var server = new S2nConfig();
        server.SetSecurityPolicy("default_tls13");
        server.AddCertChainAndKey(pki.ServerChainPem, pki.ServerKeyPem);
        server.SetClientAuth(S2nClientAuth.Required);
        server.DisableX509Verification();
        server.SetKeyLogCallback(l => { lock (keyLog) keyLog.Add(l); });
        using var client = new S2nConfig();
        client.SetSecurityPolicy("default_tls13");
        client.AddCertChainAndKey(pki.ClientChainPem, pki.ClientKeyPem);
        client.SetClientAuth(S2nClientAuth.Optional);
        client.DisableX509Verification();
        var (a, b) = DuplexStream.CreatePair();
        var serverSide = new RecordingStream(a);
        var clientSide = new RecordingStream(b);
        var s = S2nPeer.RunServerAsync(serverSide, server, c => { var buf = new byte[5]; c.ReceiveExactly(buf); c.SendAll("world"u8); });
        var c = S2nPeer.RunClientAsync(clientSide, client, "localhost", c => { c.RequestKeyUpdate(); c.SendAll("hello"u8); var buf = new byte[5]; c.ReceiveExactly(buf); });
        Task.WaitAll([s, c], TimeSpan.FromSeconds(30));
        a.Dispose();
        b.Dispose();
        return (clientSide.Written.ToArray(), serverSide.Written.ToArray(), keyLog);
    }

    internal static CipherSuiteSpec SuiteOf(byte[] serverStream)
    {
        var sh = ServerHello.Parse(serverStream.AsSpan(5 + 4, ReadU24(serverStream, 6)));
        return CipherSuiteSpec.TryGet(sh.CipherSuite, out var spec) ? spec : throw new InvalidOperationException("unknown suite");
    }

    private static int ReadU24(byte[] b, int at) => (b[at] << 16) | (b[at + 1] << 8) | b[at + 2];

    /// <summary>Yields every handshake message (header included) the stream carries, decrypting as keys change.</summary>
    internal static IEnumerable<byte[]> Decrypt(byte[] stream, CipherSuiteSpec suite, List<string> keyLog, bool fromClient)
    {
        string side = fromClient ? "CLIENT" : "SERVER";
        byte[] secret = Secret(keyLog, $"{side}_HANDSHAKE_TRAFFIC_SECRET");
        var protector = RecordProtector.Create(suite, secret);
        var handshake = new List<byte>();
        for (int at = 0; at + 5 <= stream.Length;)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(at + 3));
            var header = stream.AsSpan(at, 5).ToArray();
            var payload = stream.AsSpan(at + 5, length).ToArray();
            at += 5 + length;
            if (header[0] == (byte)ContentType.Handshake)
            {
                handshake.AddRange(payload);
            }
            else if (header[0] == (byte)ContentType.ApplicationData)
            {
                var type = protector.Open(header, payload, out int contentLength);
                if (type == ContentType.Handshake)
                {
                    handshake.AddRange(payload.AsSpan(0, contentLength).ToArray());
                }
            }

            while (handshake.Count >= 4 && handshake.Count >= 4 + ((handshake[1] << 16) | (handshake[2] << 8) | handshake[3]))
            {
                int total = 4 + ((handshake[1] << 16) | (handshake[2] << 8) | handshake[3]);
                var message = handshake.GetRange(0, total).ToArray();
                handshake.RemoveRange(0, total);
                yield return message;
                if (message[0] == (byte)HandshakeType.Finished)
                {
                    secret = Secret(keyLog, $"{side}_TRAFFIC_SECRET_0");
                    protector = RecordProtector.Create(suite, secret);
                }
                else if (message[0] == (byte)HandshakeType.KeyUpdate)
                {
                    secret = TlsKeySchedule.NextTrafficSecret(suite, secret);
                    protector = RecordProtector.Create(suite, secret);
                }
            }
        }
    }

    private static byte[] Secret(List<string> keyLog, string label)
    {
        lock (keyLog)
        {
            var line = keyLog.First(l => l.StartsWith(label + " ", StringComparison.Ordinal));
            return Convert.FromHexString(line.Split(' ')[2]);
        }
    }

    private static void AddMessage(Action<string, byte[]> add, byte[] message)
    {
        var body = message[4..];
        switch ((HandshakeType)message[0])
        {
            case HandshakeType.ClientHello:
                add("ClientHello", body);
                AddExtensions(add, ClientHello.Parse(body).Extensions, 0);
                break;
            case HandshakeType.ServerHello:
                add("ServerHello", body);
                AddExtensions(add, ServerHello.Parse(body).Extensions, 1);
                break;
            case HandshakeType.EncryptedExtensions: add("EncryptedExtensions", body); break;
            case HandshakeType.CertificateRequest:
                add("CertificateRequest", body);
                AddExtensions(add, CertificateRequest.Parse(body).Extensions, 4);
                break;
            case HandshakeType.Certificate: add("Certificate", body); break;
            case HandshakeType.CertificateVerify: add("CertificateVerify", body); break;
            case HandshakeType.Finished: add("Finished", [(byte)(body.Length == 32 ? 0 : 1), .. body]); break;
            case HandshakeType.KeyUpdate: add("KeyUpdate", body); break;
            case HandshakeType.NewSessionTicket: add("NewSessionTicket", body); break;
        }
    }

    private static void AddExtensions(Action<string, byte[]> add, List<Extension> extensions, byte contextShift)
    {
        bool client = contextShift == 0;
        var w = new Reference.Tls.Wire.TlsWriter(512);
        ExtensionBlock.Write(w, extensions);
        add("ExtensionBlock", [contextShift, .. w.ToArray()]);
        foreach (var e in extensions)
        {
            switch (e.Type)
            {
                case ExtensionType.SupportedVersions: add("Ext.SupportedVersions", e.Data); break;
                case ExtensionType.SupportedGroups or ExtensionType.SignatureAlgorithms or ExtensionType.SignatureAlgorithmsCert:
                    add("Ext.U16List", e.Data); break;
                case ExtensionType.KeyShare: add("Ext.KeyShare", [(byte)(client ? 0 : 1), .. e.Data]); break;
                case ExtensionType.ServerName: add("Ext.ServerName", e.Data); break;
                case ExtensionType.ApplicationLayerProtocolNegotiation: add("Ext.Alpn", e.Data); break;
                case ExtensionType.Cookie: add("Ext.Cookie", e.Data); break;
            }
        }
    }
}

/// <summary>Passes a stream through and keeps a copy of everything written to it.</summary>
internal sealed class RecordingStream(Stream inner) : Stream
{
    public MemoryStream Written { get; } = new();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (Written)
        {
            Written.Write(buffer, offset, count);
        }

        inner.Write(buffer, offset, count);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
