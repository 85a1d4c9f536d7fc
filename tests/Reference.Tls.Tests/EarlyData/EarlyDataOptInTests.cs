using static Reference.Tls.Tests.EarlyData.EarlyDataHarness;

namespace Reference.Tls.Tests.EarlyData;

/// <summary>0-RTT happens only when the application asks for it (RFC 8446 Appendix E.5).</summary>
public class EarlyDataOptInTests
{
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.5
    //= type=test
    //# In addition, to avoid accidental misuse, TLS implementations MUST NOT
    //# enable 0-RTT (either sending or accepting) unless specifically
    //# requested by the application and MUST NOT automatically resend 0-RTT
    //# data if it is rejected by the server unless instructed by the
    //# application.
    [Fact]
    public void A_client_that_did_not_ask_for_0RTT_offers_no_early_data_even_when_its_ticket_allows_it()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        Assert.True(ticket.MaxEarlyDataSize > 0);

        using var r = Resume(c with { OfferEarlyData = false }, s, ticket, []);
        Assert.Equal(EarlyDataStatus.NotRequested, r.Client.EarlyDataStatus);
        var error = Assert.Throws<TlsException>(() => r.Client.WriteEarlyData("x"u8));
        Assert.Equal(TlsErrorType.Usage, error.ErrorType);

        r.Pump();
        Assert.True(r.Client.IsHandshakeComplete && r.Server.IsHandshakeComplete);
        Assert.Equal(EarlyDataStatus.NotRequested, r.Server.EarlyDataStatus);
        Assert.False(r.SawEndOfEarlyData);
        Assert.True(r.Client.Info!.PreSharedKeyAccepted);
    }

    [Fact]
    public void A_client_that_asked_for_0RTT_offers_it_and_the_server_accepts()
    {
        var (c, s) = Configs();
        using var r = Resume(c, s, Ticket(c, s), "hello"u8.ToArray());
        r.Pump();
        Assert.Equal(EarlyDataStatus.Accepted, r.Client.EarlyDataStatus);
        Assert.True(r.SawEndOfEarlyData);
    }

    [Fact]
    public void A_server_that_did_not_ask_for_0RTT_never_accepts_it()
    {
        var (c, s) = Configs();
        var ticket = Ticket(c, s);
        using var r = Resume(c, s with { MaxEarlyDataSize = 0 }, ticket, "hello"u8.ToArray());
        r.Pump();
        Assert.Equal(EarlyDataStatus.Rejected, r.Client.EarlyDataStatus);
        Assert.Equal(0, r.Server.AvailableEarlyData);
        Assert.True(r.Server.IsHandshakeComplete);
    }
}
