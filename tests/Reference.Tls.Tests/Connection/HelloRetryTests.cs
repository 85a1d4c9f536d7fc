namespace Reference.Tls.Tests.Connection;

public class HelloRetryTests
{
    private static InMemoryPair RetryPair(bool cookie)
    {
        var (c, s) = InMemoryPair.Configs(
            client: c => new TlsConfig { TrustStore = c.TrustStore, Groups = [NamedGroup.X25519, NamedGroup.Secp256r1] },
            server: s => new TlsConfig { Certificate = s.Certificate, Groups = [NamedGroup.Secp256r1], SendHelloRetryCookie = cookie });
        return new InMemoryPair(c, s);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
    //= type=test
    //# When sending the new ClientHello, the client MUST copy
    //# the contents of the extension received in the HelloRetryRequest into
    //# a "cookie" extension in the new ClientHello.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
    //= type=test
    //# When sending a HelloRetryRequest, the server MAY provide a "cookie"
    //# extension to the client (this is an exception to the usual rule that the
    //# only extensions that may be sent are those that appear in the
    //# ClientHello).
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
    //= type=test
    //# In that case, the client MUST send the same ClientHello without
    //# modification, except as follows:
    [Fact]
    public void Cookie_is_echoed_and_the_handshake_completes()
    {
        using var pair = RetryPair(cookie: true);
        pair.Pump();
        Assert.True(pair.Client.Info!.HelloRetryRequest);
        Assert.Equal(NamedGroup.Secp256r1, pair.Server.Info!.Group);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
    //= type=test
    //# If a client receives a second
    //# HelloRetryRequest in the same connection (i.e., where the ClientHello
    //# was itself in response to a HelloRetryRequest), it MUST abort the
    //# handshake with an "unexpected_message" alert.
    [Fact]
    public void A_second_hello_retry_request_is_unexpected()
    {
        using var pair = RetryPair(cookie: false);
        InMemoryPair.Move(pair.Client, pair.Server);
        var hrrFlight = pair.Server.PendingOutput.ToArray();
        pair.Server.ConsumeOutput(hrrFlight.Length);
        pair.Client.Feed(hrrFlight);
        Assert.Equal(StateMachine.HandshakeState.AfterSecondClientHello, pair.Client.State);
        var e = Assert.Throws<TlsException>(() => pair.Client.Feed(HandshakeRecordsOnly(hrrFlight)));
        Assert.Equal(AlertDescription.UnexpectedMessage, e.Alert);
    }

    /// <summary>The HRR flight without its change_cipher_spec record.</summary>
    private static byte[] HandshakeRecordsOnly(byte[] flight)
    {
        var output = new List<byte>();
        for (int i = 0; i < flight.Length;)
        {
            int length = (flight[i + 3] << 8) | flight[i + 4];
            if (flight[i] == 22)
            {
                output.AddRange(flight.AsSpan(i, 5 + length).ToArray());
            }

            i += 5 + length;
        }

        return [.. output];
    }
}
