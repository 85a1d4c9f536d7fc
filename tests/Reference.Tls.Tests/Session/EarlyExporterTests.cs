using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Reference.Tls.Crypto;
using Reference.Tls.KeySchedule;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Exporter;
using static Reference.Tls.Tests.EarlyData.EarlyDataHarness;

namespace Reference.Tls.Tests.Session;

/// <summary>
/// The early exporter (RFC 8446 §7.1, §7.5): early_exporter_master_secret, and
/// <see cref="TlsConnection.ExportEarlyKeyingMaterial"/>, an interface apart from the regular exporter.
/// </summary>
public class EarlyExporterTests
{
    private static readonly byte[] Request = "GET / HTTP/1.1\r\n\r\n"u8.ToArray();
    private static readonly byte[] Context = "early context"u8.ToArray();

    // RFC 8448 §4 (Resumed 0-RTT Handshake): the Early Secret from the ticket's PSK, and Transcript-Hash(ClientHello).
    private static readonly byte[] Rfc8448Psk = Convert.FromHexString("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3");
    private static readonly byte[] Rfc8448ClientHelloHash = Convert.FromHexString("08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913");
    private static readonly byte[] Rfc8448EarlySecret = Convert.FromHexString("9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c");

    /// <summary>HKDF-Expand-Label with BouncyCastle's HKDF and a hand-built HkdfLabel (SHA-256).</summary>
    private static byte[] ExpandLabel(byte[] secret, string label, byte[] context, int length)
    {
        byte[] fullLabel = Encoding.ASCII.GetBytes("tls13 " + label);
        byte[] info = [(byte)(length >> 8), (byte)length, (byte)fullLabel.Length, .. fullLabel, (byte)context.Length, .. context];
        var hkdf = new HkdfBytesGenerator(new Sha256Digest());
        hkdf.Init(HkdfParameters.SkipExtractParameters(secret, info));
        var output = new byte[length];
        hkdf.GenerateBytes(output, 0, length);
        return output;
    }

    private static Dictionary<string, byte[]> KeyLog(List<string> lines) =>
        lines.Select(l => l.Split(' ')).ToDictionary(p => p[0], p => Convert.FromHexString(p[2]));

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
    //= type=test
    //# +-----> Derive-Secret(., "e exp master", ClientHello)
    //# |                     = early_exporter_master_secret
    [Fact]
    public void The_early_exporter_master_secret_over_the_RFC_8448_section_4_early_secret_matches_an_independent_HKDF()
    {
        using var schedule = new TlsKeySchedule(CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256), Rfc8448Psk);
        Assert.Equal(Rfc8448EarlySecret, schedule.EarlySecret);

        byte[] expected = ExpandLabel(Rfc8448EarlySecret, "e exp master", Rfc8448ClientHelloHash, 32);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(schedule.DeriveEarlyExporterMasterSecret(Rfc8448ClientHelloHash)));
        Assert.NotEqual(expected, schedule.DeriveClientEarlyTrafficSecret(Rfc8448ClientHelloHash));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
    //= type=test
    //# A separate
    //# interface for the early exporter is RECOMMENDED; this avoids the
    //# exporter user accidentally using an early exporter when a regular one
    //# is desired or vice versa.
    [Fact]
    public void Both_peers_of_an_accepted_0rtt_connection_agree_on_the_early_exporter_which_differs_from_the_regular_one()
    {
        var clientLines = new List<string>();
        var serverLines = new List<string>();
        var (c, s) = Configs(client: c => c with { KeyLogCallback = clientLines.Add }, server: s => s with { KeyLogCallback = serverLines.Add });
        var ticket = Ticket(c, s);
        clientLines.Clear();
        serverLines.Clear();
        using var r = Resume(c, s, ticket, Request);

        // The client can export before the handshake: that is what the early exporter is for.
        byte[] clientEarly = r.Client.ExportEarlyKeyingMaterial("EXPORTER-early", Context, 32);
        r.Pump();

        Assert.Equal(EarlyDataStatus.Accepted, r.Server.EarlyDataStatus);
        Assert.Equal(clientEarly, r.Server.ExportEarlyKeyingMaterial("EXPORTER-early", Context, 32));
        Assert.Equal(clientEarly, r.Client.ExportEarlyKeyingMaterial("EXPORTER-early", Context, 32));
        Assert.NotEqual(clientEarly, r.Client.ExportKeyingMaterial("EXPORTER-early", Context, 32));
        Assert.Equal(r.Client.ExportKeyingMaterial("EXPORTER-early", Context, 32), r.Server.ExportKeyingMaterial("EXPORTER-early", Context, 32));

        // Independently: TLS-Exporter over the logged early_exporter_master_secret, and the same on both sides.
        byte[] secret = KeyLog(clientLines)["EARLY_EXPORTER_SECRET"];
        Assert.Equal(secret, KeyLog(serverLines)["EARLY_EXPORTER_SECRET"]);
        Assert.Equal(ExporterTests.Oracle(sha384: false, secret, "EXPORTER-early", Context, 32), clientEarly);
    }

    [Fact]
    public void The_early_exporter_differs_from_one_0rtt_connection_to_the_next()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var first = Resume(c, s, ticket, Request);
        using var second = Resume(c, s, ticket, Request);
        Assert.NotEqual(first.Client.ExportEarlyKeyingMaterial("EXPORTER-x", [], 32), second.Client.ExportEarlyKeyingMaterial("EXPORTER-x", [], 32));
    }

    [Fact]
    public void A_connection_without_a_psk_has_no_early_exporter()
    {
        var (c, s) = Configs();
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => pair.Client.ExportEarlyKeyingMaterial("EXPORTER-x", [], 32)).ErrorType);
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => pair.Server.ExportEarlyKeyingMaterial("EXPORTER-x", [], 32)).ErrorType);
        Assert.Equal(32, pair.Client.ExportKeyingMaterial("EXPORTER-x", [], 32).Length);
    }

    [Fact]
    public void Rejected_early_data_leaves_neither_peer_an_early_exporter()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var r = Resume(c, s with { MaxEarlyDataSize = 0 }, ticket, Request);
        Assert.Equal(32, r.Client.ExportEarlyKeyingMaterial("EXPORTER-x", [], 32).Length);
        r.Pump();

        Assert.True(r.Client.Info!.PreSharedKeyAccepted);
        Assert.Equal(EarlyDataStatus.Rejected, r.Client.EarlyDataStatus);
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => r.Client.ExportEarlyKeyingMaterial("EXPORTER-x", [], 32)).ErrorType);
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => r.Server.ExportEarlyKeyingMaterial("EXPORTER-x", [], 32)).ErrorType);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.1.4
    //= type=test
    //# However, because these secrets can be used to compute any
    //# exporter value, they SHOULD be erased as soon as possible.
    [Fact]
    public void Dispose_forgets_the_early_exporter_and_bad_requests_are_usage_errors()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        var r = Resume(c, s, ticket, Request);
        r.Pump();
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => r.Server.ExportEarlyKeyingMaterial("", [], 32)).ErrorType);
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => r.Server.ExportEarlyKeyingMaterial("EXPORTER-x", [], 0)).ErrorType);
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => r.Server.ExportEarlyKeyingMaterial("EXPORTER-x", [], (255 * 32) + 1)).ErrorType);

        r.Dispose();

        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => r.Client.ExportEarlyKeyingMaterial("EXPORTER-x", [], 32)).ErrorType);
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => r.Server.ExportEarlyKeyingMaterial("EXPORTER-x", [], 32)).ErrorType);
    }
}
