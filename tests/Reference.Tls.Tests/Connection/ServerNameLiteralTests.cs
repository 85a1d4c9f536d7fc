namespace Reference.Tls.Tests.Connection;

/// <summary>
/// RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in "HostName"." A client given an address
/// sends no server_name but still checks the certificate against the address.
/// </summary>
public class ServerNameLiteralTests
{
    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("::1", null)]
    [InlineData("localhost", "localhost")]
    public void An_ip_address_is_never_sent_as_server_name(string name, string? seenByServer)
    {
        var (client, server) = InMemoryPair.Configs(client: c => c with { DangerousDisableCertificateVerification = true });
        using var c = TlsConnection.CreateClient(client, name);
        using var s = TlsConnection.CreateServer(server);
        for (int i = 0; i < 20 && (c.HasPendingOutput || s.HasPendingOutput); i++)
        {
            InMemoryPair.Move(c, s);
            InMemoryPair.Move(s, c);
        }

        Assert.True(s.IsHandshakeComplete);
        Assert.Equal(seenByServer, s.Info!.ServerName);
    }

    [Fact]
    public void An_ip_address_is_still_checked_against_the_certificate()
    {
        // The generated leaf names localhost and 127.0.0.1 only.
        var (client, server) = InMemoryPair.Configs();
        using var c = TlsConnection.CreateClient(client, "127.0.0.2");
        using var s = TlsConnection.CreateServer(server with { Blinding = BlindingMode.SelfService });
        var e = Assert.Throws<TlsException>(() =>
        {
            for (int i = 0; i < 20 && (c.HasPendingOutput || s.HasPendingOutput); i++)
            {
                InMemoryPair.Move(c, s);
                InMemoryPair.Move(s, c);
            }
        });
        Assert.Equal(AlertDescription.BadCertificate, e.Alert);
    }
}
