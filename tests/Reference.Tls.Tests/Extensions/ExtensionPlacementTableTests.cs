using Reference.Tls.Extensions;
using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Extensions;

/// <summary>
/// The engine's §4.2 placement table against the RFC's own table, typed in here from RFC 8446 §4.2
/// (not derived from the engine), entry by entry.
/// </summary>
public class ExtensionPlacementTableTests
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
    //= type=test
    //# The table below indicates the messages where a given extension may
    //# appear, using the following notation: CH (ClientHello),
    //# SH (ServerHello), EE (EncryptedExtensions), CT (Certificate),
    //# CR (CertificateRequest), NST (NewSessionTicket), and
    //# HRR (HelloRetryRequest).
    public static readonly TheoryData<ushort, string> RfcTable = new()
    {
        { (ushort)ExtensionType.ServerName, "CH, EE" },
        { (ushort)ExtensionType.MaxFragmentLength, "CH, EE" },
        { (ushort)ExtensionType.StatusRequest, "CH, CR, CT" },
        { (ushort)ExtensionType.SupportedGroups, "CH, EE" },
        { (ushort)ExtensionType.SignatureAlgorithms, "CH, CR" },
        { (ushort)ExtensionType.UseSrtp, "CH, EE" },
        { (ushort)ExtensionType.Heartbeat, "CH, EE" },
        { (ushort)ExtensionType.ApplicationLayerProtocolNegotiation, "CH, EE" },
        { (ushort)ExtensionType.SignedCertificateTimestamp, "CH, CR, CT" },
        { (ushort)ExtensionType.ClientCertificateType, "CH, EE" },
        { (ushort)ExtensionType.ServerCertificateType, "CH, EE" },
        { (ushort)ExtensionType.Padding, "CH" },
        { (ushort)ExtensionType.KeyShare, "CH, SH, HRR" },
        { (ushort)ExtensionType.PreSharedKey, "CH, SH" },
        { (ushort)ExtensionType.PskKeyExchangeModes, "CH" },
        { (ushort)ExtensionType.EarlyData, "CH, EE, NST" },
        { (ushort)ExtensionType.Cookie, "CH, HRR" },
        { (ushort)ExtensionType.SupportedVersions, "CH, SH, HRR" },
        { (ushort)ExtensionType.CertificateAuthorities, "CH, CR" },
        { (ushort)ExtensionType.OidFilters, "CR" },
        { (ushort)ExtensionType.PostHandshakeAuth, "CH" },
        { (ushort)ExtensionType.SignatureAlgorithmsCert, "CH, CR" },
    };

    private static readonly Dictionary<string, ExtensionContext> Notation = new()
    {
        ["CH"] = ExtensionContext.ClientHello,
        ["SH"] = ExtensionContext.ServerHello,
        ["EE"] = ExtensionContext.EncryptedExtensions,
        ["CT"] = ExtensionContext.Certificate,
        ["CR"] = ExtensionContext.CertificateRequest,
        ["NST"] = ExtensionContext.NewSessionTicket,
        ["HRR"] = ExtensionContext.HelloRetryRequest,
    };

    [Theory]
    [MemberData(nameof(RfcTable))]
    public void Each_extension_is_allowed_exactly_where_the_rfc_table_says(ushort code, string messages)
    {
        var type = (ExtensionType)code;
        var expected = messages.Split(", ").Aggregate(ExtensionContext.None, (all, m) => all | Notation[m]);
        Assert.Equal(expected, ExtensionBlock.AllowedIn[type]);
        foreach (var context in Notation.Values)
        {
            bool allowed = (expected & context) != 0;
            var block = new TlsWriter();
            ExtensionBlock.Write(block, [new Extension(type, [])]);
            if (allowed)
            {
                Assert.Single(Read(block.ToArray(), context));
            }
            else
            {
                var e = Assert.Throws<TlsException>(() => Read(block.ToArray(), context));
                Assert.Equal(AlertDescription.IllegalParameter, e.Alert);
                Assert.Contains($"extension {type} is not allowed in {context}", e.Message);
            }
        }
    }

    [Fact]
    public void Duplicates_and_unsolicited_responses_are_named_in_the_error()
    {
        var w = new TlsWriter();
        ExtensionBlock.Write(w, [new Extension(ExtensionType.ServerName, []), new Extension(ExtensionType.ServerName, [])]);
        var duplicate = Assert.Throws<TlsException>(() => Read(w.ToArray(), ExtensionContext.ClientHello));
        Assert.Contains("duplicate extension ServerName", duplicate.Message);
        var unsolicited = Assert.Throws<TlsException>(() =>
            ExtensionBlock.RejectUnsolicited([new Extension(ExtensionType.ApplicationLayerProtocolNegotiation, [])], []));
        Assert.Equal(AlertDescription.UnsupportedExtension, unsolicited.Alert);
        Assert.Contains("unsolicited extension ApplicationLayerProtocolNegotiation", unsolicited.Message);
    }

    private static List<Extension> Read(byte[] block, ExtensionContext context)
    {
        var r = new TlsReader(block);
        return ExtensionBlock.Read(ref r, context);
    }
}
