namespace Reference.Tls.Tests.Connection;

/// <summary>server_name: the server acknowledges it (empty extension in EncryptedExtensions) only when its certificate names the host, as s2n does.</summary>
public class ServerNameTests
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
    //= type=test
    //# Additionally, all implementations MUST support the use of the
    //# "server_name" extension with applications capable of using it.
    [Theory]
    [InlineData("localhost", 10)]
    [InlineData("other.example", 6)]
    public void Server_acknowledges_a_name_its_certificate_matches(string serverName, int encryptedExtensionsLength)
    {
        var events = new List<HandshakeMessageEvent>();
        var (c, s) = InMemoryPair.Configs(
            client: c => c with { DangerousDisableCertificateVerification = true, TrustStore = null, HandshakeObserver = events.Add });
        using var pair = new InMemoryPair(c, s, serverName);
        pair.Pump();
        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.Equal(serverName, pair.Server.Info!.ServerName);
        Assert.Equal(encryptedExtensionsLength, events.Single(e => e.Message == "EncryptedExtensions").Length);
    }
}
