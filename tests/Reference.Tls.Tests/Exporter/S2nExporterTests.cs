using Reference.S2n;
using Reference.Tls.Certificates;
using Reference.Tls.Tests.Interop;
using Xunit;

namespace Reference.Tls.Tests.Exporter;

/// <summary>Our exporter against C s2n-tls's s2n_connection_tls_exporter on the same connection.</summary>
public sealed class S2nExporterTests
{
    private const int Length = 64;

    public static TheoryData<TlsRole, CipherSuite, string> Cases()
    {
        var data = new TheoryData<TlsRole, CipherSuite, string>();
        foreach (var role in new[] { TlsRole.Client, TlsRole.Server })
        {
            foreach (var suite in new[] { CipherSuite.TlsAes128GcmSha256, CipherSuite.TlsAes256GcmSha384, CipherSuite.TlsChacha20Poly1305Sha256 })
            {
                data.Add(role, suite, "");
                data.Add(role, suite, "some context");
            }
        }

        return data;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
    //= type=test
    //# Implementations MUST use the
    //# exporter_master_secret unless explicitly specified by the
    //# application.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
    //= type=test
    //# The exporter value is computed as:
    //# TLS-Exporter(label, context_value, key_length) =
    //# HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
    //# "exporter", Hash(context_value), key_length)
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Our_exporter_equals_s2n_exporter_on_the_same_connection(TlsRole ourRole, CipherSuite suite, string context)
    {
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        using var s2nConfig = ourRole == TlsRole.Client ? S2nInterop.ServerConfig(pki) : S2nInterop.ClientConfig(pki);
        byte[] contextBytes = System.Text.Encoding.ASCII.GetBytes(context);
        const string label = "EXPORTER-Reference-test";

        var (ours, s2n) = await S2nInterop.RunAsync(ourRole == TlsRole.Client ? S2nMode.Server : S2nMode.Client, s2nConfig,
            ours: async (stream, ct) =>
            {
                if (ourRole == TlsRole.Client)
                {
                    await stream.AuthenticateAsClientAsync(S2nInterop.OurClientConfig(pki) with { CipherSuites = [suite] }, S2nInterop.ServerName, ct);
                }
                else
                {
                    await stream.AuthenticateAsServerAsync(S2nInterop.OurServerConfig(pki) with { CipherSuites = [suite] }, ct);
                }

                byte[] exported = stream.ExportKeyingMaterial(label, contextBytes, Length);
                byte[] other = stream.ExportKeyingMaterial(label + "2", contextBytes, Length);
                await stream.ShutdownAsync(ct);
                int tail = await stream.ReadAsync(new byte[1], ct);
                return (exported, other, tail, stream.ConnectionInfo!.CipherSuite);
            },
            s2n: c =>
            {
                byte[] exported = c.ExportKeyingMaterial(label, contextBytes, Length);
                int tail = c.Receive(new byte[1]);
                c.Shutdown();
                return (exported, tail, c.CipherSuiteValue);
            });

        Assert.Equal(suite, ours.CipherSuite);
        Assert.Equal((ushort)suite, s2n.CipherSuiteValue);
        Assert.Equal(Convert.ToHexString(s2n.exported), Convert.ToHexString(ours.exported));
        Assert.NotEqual(ours.exported, ours.other);
        Assert.Equal((0, 0), (ours.tail, s2n.tail)); // both close_notify alerts arrived
    }
}
