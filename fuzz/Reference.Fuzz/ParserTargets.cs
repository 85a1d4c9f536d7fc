using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.Wire;

namespace Reference.Fuzz;

/// <summary>
/// One target per message parser and extension codec. Where the encoding is canonical, accepted bytes
/// must re-serialise to themselves (Serialize(Parse(b)) == b): a parser that accepts more than it can say
/// back is a finding too.
/// </summary>
internal static class ParserTargets
{
    public static IEnumerable<FuzzTarget> All()
    {
        yield return new("ClientHello", ClientHelloRoundTrip);
        yield return new("ServerHello", b => RoundTrip(b, ServerHello.Parse(b).Write));
        yield return new("EncryptedExtensions", b => RoundTrip(b, EncryptedExtensions.Parse(b).Write));
        yield return new("Certificate", b => RoundTrip(b, CertificateMessage.Parse(b).Write));
        yield return new("CertificateRequest", b => RoundTrip(b, CertificateRequest.Parse(b).Write));
        yield return new("CertificateVerify", b => RoundTrip(b, CertificateVerifyMessage.Parse(b).Write));
        yield return new("Finished", Finished);
        yield return new("NewSessionTicket", b => NewSessionTicketMessage.Parse(b));
        yield return new("KeyUpdate", b => Expect(new[] { (byte)KeyUpdateMessage.Parse(b) }.AsSpan().SequenceEqual(b), "KeyUpdate"));
        yield return new("ExtensionBlock", ExtensionBlockTarget);
        yield return new("Ext.SupportedVersions", SupportedVersions);
        yield return new("Ext.U16List", b => U16List(b));
        yield return new("Ext.KeyShare", KeyShare);
        yield return new("Ext.ServerName", b => ServerNameExtension.Decode(b));
        yield return new("Ext.Alpn", b => AlpnExtension.Decode(b));
        yield return new("Ext.Cookie", b => Expect(CookieExtension.Encode(CookieExtension.Decode(b)).AsSpan().SequenceEqual(b), "cookie"));
    }

    /// <summary>Serialises with <paramref name="write"/> and demands the input back byte for byte.</summary>
    internal static void RoundTrip(byte[] input, Action<TlsWriter> write)
    {
        var w = new TlsWriter(input.Length + 16);
        write(w);
        Expect(w.ToArray().AsSpan().SequenceEqual(input), "re-serialisation differs from the accepted input");
    }

    internal static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzOracleException(what);
        }
    }

    private static void ClientHelloRoundTrip(byte[] input)
    {
        var hello = ClientHello.Parse(input);
        var w = new TlsWriter(input.Length + 16);
        hello.Write(w);
        var again = w.ToArray();
        // A ClientHello may omit the extensions field entirely (§4.1.2); we always write it, empty.
        bool same = again.AsSpan().SequenceEqual(input)
            || (hello.Extensions.Count == 0 && again.AsSpan().SequenceEqual((byte[])[.. input, 0, 0]));
        Expect(same, "ClientHello re-serialisation differs from the accepted input");
    }

    private static void Finished(byte[] input)
    {
        int hashLength = input.Length > 0 && input[0] % 2 == 0 ? 32 : 48;
        var body = input.AsSpan(Math.Min(1, input.Length));
        Expect(FinishedMessage.Parse(body, hashLength).Length == hashLength, "Finished length");
    }

    private static void ExtensionBlockTarget(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        // The first byte picks the message context, so placement rules are fuzzed for every message.
        var context = (ExtensionContext)(1 << (input[0] % 7));
        var r = new TlsReader(input.AsSpan(1));
        var list = ExtensionBlock.Read(ref r, context);
        r.ExpectEnd("extension block");
        var w = new TlsWriter(input.Length);
        ExtensionBlock.Write(w, list);
        Expect(w.ToArray().AsSpan().SequenceEqual(input.AsSpan(1)), "extension block round trip");
    }

    private static void SupportedVersions(byte[] input)
    {
        if (input.Length == 2)
        {
            var v = SupportedVersionsExtension.DecodeServer(input);
            Expect(SupportedVersionsExtension.EncodeServer(v).AsSpan().SequenceEqual(input), "supported_versions (server)");
            return;
        }

        var list = SupportedVersionsExtension.DecodeClient(input);
        Expect(SupportedVersionsExtension.EncodeClient(list).AsSpan().SequenceEqual(input), "supported_versions (client)");
    }

    private static void U16List(byte[] input)
    {
        var values = U16ListExtension.Decode(input, "supported_groups");
        var groups = values.Select(v => (NamedGroup)v).ToList();
        Expect(U16ListExtension.Encode(groups).AsSpan().SequenceEqual(input), "u16 list round trip");
    }

    private static void KeyShare(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        // The first byte picks the form: ClientHello list, ServerHello entry, or HelloRetryRequest group.
        var body = input.AsSpan(1);
        byte[] again = (input[0] % 3) switch
        {
            0 => KeyShareExtension.EncodeClient(KeyShareExtension.DecodeClient(body)),
            1 => KeyShareExtension.EncodeServer(KeyShareExtension.DecodeServer(body)),
            _ => KeyShareExtension.EncodeHelloRetry(KeyShareExtension.DecodeHelloRetry(body)),
        };
        Expect(again.AsSpan().SequenceEqual(body), "key_share round trip");
    }
}
