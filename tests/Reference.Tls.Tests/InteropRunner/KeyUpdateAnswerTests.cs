using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.InteropRunner;

/// <summary>The answer to KeyUpdate(update_requested) waits for our next write and answers all requests at once.</summary>
public sealed class KeyUpdateAnswerTests
{
    [Fact]
    public void Requests_received_while_silent_are_answered_once_before_the_next_application_data()
    {
        var (c, s) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        for (int i = 0; i < 3; i++)
        {
            pair.Client.UpdateKeys(requestPeerUpdate: true);
        }

        pair.Pump();
        // Reading the requests made the server send nothing: its reader never has to write.
        Assert.False(pair.Server.HasPendingOutput);
        Assert.Equal((3, 0), pair.Server.KeyUpdateCounts);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
        //= type=test
        //# This mechanism allows either side to force an update to the
        //# entire connection, but causes an implementation which receives
        //# multiple KeyUpdates while it is silent to respond with a single
        //# update.
        pair.Server.WriteApplicationData([7, 8]);
        pair.Pump();
        Assert.Equal((3, 1), pair.Server.KeyUpdateCounts);
        Assert.Equal((1, 3), pair.Client.KeyUpdateCounts);
        var buffer = new byte[4];
        Assert.Equal(2, pair.Client.ReadApplicationData(buffer));
        Assert.Equal(new byte[] { 7, 8 }, buffer[..2]);
    }

    [Fact]
    public void An_owed_answer_is_also_our_own_key_update()
    {
        var (c, s) = InMemoryPair.Configs();
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        pair.Client.UpdateKeys(requestPeerUpdate: true);
        pair.Pump();
        pair.Server.UpdateKeys(requestPeerUpdate: false);
        pair.Pump();
        // The answer moves the server's write key forward, which is all its own update would do: one KeyUpdate.
        Assert.Equal((1, 1), pair.Server.KeyUpdateCounts);
        Assert.Equal((1, 1), pair.Client.KeyUpdateCounts);
        pair.Client.WriteApplicationData([1]);
        pair.Pump();
        Assert.Equal(1, pair.Server.ReadApplicationData(new byte[2]));
    }
}
