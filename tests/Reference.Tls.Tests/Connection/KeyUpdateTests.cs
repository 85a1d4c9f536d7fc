namespace Reference.Tls.Tests.Connection;

public class KeyUpdateTests
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# If the request_update field is set to "update_requested", then the
    //# receiver MUST send a KeyUpdate of its own with request_update set to
    //# "update_not_requested" prior to sending its next Application Data
    //# record.
    [Fact]
    public void Many_requests_before_a_send_are_answered_by_exactly_one_update()
    {
        var (c, s) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        for (int i = 0; i < 5; i++)
        {
            pair.Client.UpdateKeys(requestPeerUpdate: true);
        }

        pair.Pump();
        Assert.Equal((5, 0), pair.Server.KeyUpdateCounts);
        Assert.False(pair.Server.HasPendingOutput);

        pair.Server.WriteApplicationData([42]);
        pair.Pump();
        Assert.Equal((5, 1), pair.Server.KeyUpdateCounts);
        Assert.Equal((1, 5), pair.Client.KeyUpdateCounts);
        var buffer = new byte[4];
        Assert.Equal(1, pair.Client.ReadApplicationData(buffer));
        Assert.Equal(42, buffer[0]);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.5
    //= type=test
    //# Implementations SHOULD do a key update as described in Section 4.6.3
    //# prior to reaching these limits.
    [Fact]
    public void Keys_update_automatically_at_the_record_limit()
    {
        var (c, s) = InMemoryPair.Configs(client: c => new TlsConfig { TrustStore = c.TrustStore, KeyUpdateRecordLimit = 10 });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        var record = new byte[100];
        for (int i = 0; i < 35; i++)
        {
            pair.Client.WriteApplicationData(record);
            pair.Pump();
        }

        // The first 10 records include the client's Finished under the handshake key, not the application key.
        Assert.Equal(3, pair.Client.KeyUpdateCounts.Sent);
        Assert.Equal(3, pair.Server.KeyUpdateCounts.Received);
        var sink = new byte[4000];
        Assert.Equal(3500, pair.Server.ReadApplicationData(sink));
    }

    [Fact]
    public void Key_update_is_refused_before_the_handshake_completes()
    {
        var (c, _) = InMemoryPair.Configs();
        using var client = TlsConnection.CreateClient(c, "localhost");
        var e = Assert.Throws<TlsException>(() => client.UpdateKeys(requestPeerUpdate: false));
        Assert.Equal(TlsErrorType.Usage, e.ErrorType);
    }
}
