using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Hardening;

/// <summary>UpdateKeys while the peer's update_requested is still unanswered.</summary>
public class KeyUpdateWhileAnswerPendingTests
{
    private static InMemoryPair ServerWithPendingRequest()
    {
        var (c, s) = InMemoryPair.Configs();
        var pair = new InMemoryPair(c, s);
        pair.Pump();
        pair.Client.UpdateKeys(requestPeerUpdate: true);
        InMemoryPair.Move(pair.Client, pair.Server);
        Assert.Equal((1, 0), pair.Server.KeyUpdateCounts);
        Assert.False(pair.Server.HasPendingOutput); // answered on the next send, not now
        return pair;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# If the request_update field is set to "update_requested", then the
    //# receiver MUST send a KeyUpdate of its own with request_update set to
    //# "update_not_requested" prior to sending its next Application Data
    //# record.
    [Fact]
    public void UpdateKeys_without_a_request_while_one_is_pending_sends_one_KeyUpdate_that_answers_both()
    {
        using var pair = ServerWithPendingRequest();
        pair.Server.UpdateKeys(requestPeerUpdate: false);
        Assert.Equal((1, 1), pair.Server.KeyUpdateCounts);
        Assert.Single(Bytes.SplitRecords(pair.Server.PendingOutput));

        pair.Server.WriteApplicationData("after"u8);
        pair.Pump();
        Assert.Equal((1, 1), pair.Server.KeyUpdateCounts);
        Assert.Equal((1, 1), pair.Client.KeyUpdateCounts);
        var buffer = new byte[8];
        Assert.Equal(5, pair.Client.ReadApplicationData(buffer));
        Assert.False(pair.Client.HasPendingOutput); // the answer asked for nothing more
    }

    [Fact]
    public void UpdateKeys_with_a_request_while_one_is_pending_answers_first_and_then_asks()
    {
        using var pair = ServerWithPendingRequest();
        pair.Server.UpdateKeys(requestPeerUpdate: true);
        Assert.Equal((1, 2), pair.Server.KeyUpdateCounts);
        pair.Pump();
        Assert.Equal((2, 1), pair.Client.KeyUpdateCounts);
        pair.Client.WriteApplicationData("x"u8);
        pair.Pump();
        Assert.Equal((2, 2), pair.Client.KeyUpdateCounts);
        Assert.Equal((2, 2), pair.Server.KeyUpdateCounts);
        Assert.Equal(1, pair.Server.AvailableApplicationData);
    }
}
