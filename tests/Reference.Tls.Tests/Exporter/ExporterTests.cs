using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Reference.Tls.Certificates;
using Reference.Tls.KeySchedule;
using Reference.Tls.Tests.Connection;
using Xunit;
using static Reference.Tls.Tests.TestData.Rfc8448.Rfc8448Section3;

namespace Reference.Tls.Tests.Exporter;

/// <summary>TLS-Exporter (RFC 8446 §7.5): the formula, the connection API and its Usage errors.</summary>
public sealed class ExporterTests
{
    private static readonly byte[] Context = "context value"u8.ToArray();

    /// <summary>
    /// TLS-Exporter written out with BouncyCastle's HKDF (an implementation independent of .NET's), with the
    /// HkdfLabel bytes built by hand: the oracle the engine's exporter is checked against.
    /// </summary>
    internal static byte[] Oracle(bool sha384, byte[] secret, string label, byte[] context, int length)
    {
        byte[] emptyHash = sha384 ? SHA384.HashData([]) : SHA256.HashData([]);
        byte[] contextHash = sha384 ? SHA384.HashData(context) : SHA256.HashData(context);
        byte[] derived = ExpandLabel(sha384, secret, label, emptyHash, emptyHash.Length);
        return ExpandLabel(sha384, derived, "exporter", contextHash, length);
    }

    private static byte[] ExpandLabel(bool sha384, byte[] secret, string label, byte[] context, int length)
    {
        byte[] fullLabel = Encoding.ASCII.GetBytes("tls13 " + label);
        byte[] info = [(byte)(length >> 8), (byte)length, (byte)fullLabel.Length, .. fullLabel, (byte)context.Length, .. context];
        var hkdf = new HkdfBytesGenerator(sha384 ? new Sha384Digest() : new Sha256Digest());
        hkdf.Init(HkdfParameters.SkipExtractParameters(secret, info));
        var output = new byte[length];
        hkdf.GenerateBytes(output, 0, length);
        return output;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
    //= type=test
    //# The exporter value is computed as:
    //# TLS-Exporter(label, context_value, key_length) =
    //# HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
    //# "exporter", Hash(context_value), key_length)
    [Theory]
    [InlineData("EXPORTER-Channel-Binding", "", 32)]
    [InlineData("EXPORTER-Token-Binding", "context value", 32)]
    [InlineData("x", "ab", 1)]
    [InlineData("EXPORTER-long", "0123456789", 255 * 32)]
    public void Exporter_over_the_RFC_8448_exporter_master_secret_matches_an_independent_HKDF(string label, string context, int length)
    {
        byte[] secret = Hex(ExporterMasterSecret);
        byte[] contextBytes = Encoding.ASCII.GetBytes(context);
        var output = new byte[length];

        TlsExporter.Export(HashAlgorithmName.SHA256, secret, label, contextBytes, output);

        Assert.Equal(Convert.ToHexString(Oracle(sha384: false, secret, label, contextBytes, length)), Convert.ToHexString(output));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
    //= type=test
    //# Implementations MUST use the
    //# exporter_master_secret unless explicitly specified by the
    //# application.
    [Theory]
    [InlineData(CipherSuite.TlsAes128GcmSha256)]
    [InlineData(CipherSuite.TlsAes256GcmSha384)]
    public void Both_peers_export_the_same_bytes_from_the_logged_exporter_master_secret(CipherSuite suite)
    {
        var exporterSecrets = new List<string>();
        var (client, server) = InMemoryPair.Configs(client: c => c with
        {
            CipherSuites = [suite],
            KeyLogCallback = line => exporterSecrets.Add(line),
        });
        using var pair = new InMemoryPair(client, server);
        pair.Pump();

        byte[] ours = pair.Client.ExportKeyingMaterial("EXPORTER-test", Context, 48);
        string logged = exporterSecrets.Single(l => l.StartsWith("EXPORTER_SECRET ", StringComparison.Ordinal));
        byte[] exporterMasterSecret = Convert.FromHexString(logged.Split(' ')[2]);

        Assert.Equal(suite == CipherSuite.TlsAes256GcmSha384 ? 48 : 32, exporterMasterSecret.Length);
        Assert.Equal(Oracle(suite == CipherSuite.TlsAes256GcmSha384, exporterMasterSecret, "EXPORTER-test", Context, 48), ours);
        Assert.Equal(ours, pair.Server.ExportKeyingMaterial("EXPORTER-test", Context, 48));
    }

    [Fact]
    public void Label_context_and_length_each_change_the_output()
    {
        var (client, server) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(client, server);
        pair.Pump();

        byte[] reference = pair.Server.ExportKeyingMaterial("EXPORTER-a", Context, 32);
        Assert.NotEqual(reference, pair.Server.ExportKeyingMaterial("EXPORTER-b", Context, 32));
        Assert.NotEqual(reference, pair.Server.ExportKeyingMaterial("EXPORTER-a", [], 32));
        // The length is part of HkdfLabel, so a shorter output is not a prefix of a longer one.
        Assert.NotEqual(reference[..16], pair.Server.ExportKeyingMaterial("EXPORTER-a", Context, 16));

        Span<byte> viaSpan = stackalloc byte[32];
        pair.Client.ExportKeyingMaterial("EXPORTER-a", Context, viaSpan);
        Assert.Equal(reference, viaSpan.ToArray());
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
    //= type=test
    //# If no context is provided, the context_value is zero length.
    [Fact]
    public void No_context_is_the_empty_context()
    {
        var (client, server) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(client, server);
        pair.Pump();

        Assert.Equal(pair.Client.ExportKeyingMaterial("EXPORTER-x", default, 32), pair.Server.ExportKeyingMaterial("EXPORTER-x", [], 32));
    }

    [Fact]
    public void Exporting_before_the_handshake_completes_is_a_usage_error()
    {
        var (client, server) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(client, server);
        AssertUsage(() => pair.Client.ExportKeyingMaterial("EXPORTER-x", [], 32));
        InMemoryPair.Move(pair.Client, pair.Server); // the server has sent its Finished, but not received the client's
        AssertUsage(() => pair.Server.ExportKeyingMaterial("EXPORTER-x", [], 32));

        pair.Pump();
        Assert.Equal(32, pair.Server.ExportKeyingMaterial("EXPORTER-x", [], 32).Length);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.1.4
    //= type=test
    //# However, because these secrets can be used to compute any
    //# exporter value, they SHOULD be erased as soon as possible.
    [Fact]
    public void Exporting_after_dispose_is_a_usage_error()
    {
        var (client, server) = InMemoryPair.Configs();
        var pair = new InMemoryPair(client, server);
        pair.Pump();
        pair.Dispose();
        AssertUsage(() => pair.Client.ExportKeyingMaterial("EXPORTER-x", [], 32));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
    //= type=test
    //# Requirements for the format of exporter labels are defined in
    //# Section 4 of [RFC5705].
    [Theory]
    [InlineData("")]
    [InlineData("EXPORTER-é")]
    [InlineData("EXPORTER\0x")]
    [InlineData(null)]
    public void Labels_that_are_not_ASCII_strings_are_refused(string? label)
    {
        var (client, server) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(client, server);
        pair.Pump();
        AssertUsage(() => pair.Client.ExportKeyingMaterial(label!, [], 32));
    }

    [Fact]
    public void Label_length_is_bounded_by_HkdfLabel()
    {
        var (client, server) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(client, server);
        pair.Pump();
        Assert.Equal(8, pair.Client.ExportKeyingMaterial(new string('a', TlsExporter.MaxLabelLength), [], 8).Length);
        AssertUsage(() => pair.Client.ExportKeyingMaterial(new string('a', TlsExporter.MaxLabelLength + 1), [], 8));
    }

    [Theory]
    [InlineData(CipherSuite.TlsAes128GcmSha256, 32)]
    [InlineData(CipherSuite.TlsAes256GcmSha384, 48)]
    public void Output_length_must_be_1_to_255_hash_lengths(CipherSuite suite, int hashLength)
    {
        var (client, server) = InMemoryPair.Configs(client: c => c with { CipherSuites = [suite] });
        using var pair = new InMemoryPair(client, server);
        pair.Pump();

        Assert.Single(pair.Client.ExportKeyingMaterial("EXPORTER-x", [], 1));
        Assert.Equal(255 * hashLength, pair.Client.ExportKeyingMaterial("EXPORTER-x", [], 255 * hashLength).Length);
        AssertUsage(() => pair.Client.ExportKeyingMaterial("EXPORTER-x", [], 0));
        AssertUsage(() => pair.Client.ExportKeyingMaterial("EXPORTER-x", [], -1));
        AssertUsage(() => pair.Client.ExportKeyingMaterial("EXPORTER-x", [], (255 * hashLength) + 1));
        AssertUsage(() => pair.Client.ExportKeyingMaterial("EXPORTER-x", [], new byte[(255 * hashLength) + 1]));
    }

    private static void AssertUsage(Action export)
    {
        var e = Assert.Throws<TlsException>(export);
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }
}
