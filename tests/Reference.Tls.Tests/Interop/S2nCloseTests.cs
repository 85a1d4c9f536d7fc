using Reference.S2n;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Interop;

/// <summary>Graceful closure (close_notify) between our engine and C s2n-tls, each side closing first.</summary>
public sealed class S2nCloseTests
{
    private static readonly byte[] Bye = "bye"u8.ToArray();
    private static readonly byte[] Late = "late data"u8.ToArray();

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //= type=test
    //# close_notify:  This alert notifies the recipient that the sender will
    //# not send any more messages on this connection.
    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public async Task S2n_closes_first_and_our_read_returns_zero(TlsRole ourRole)
    {
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        using var s2nConfig = S2nConfigFor(ourRole, pki);

        var (ours, s2nShutdownReturned) = await S2nInterop.RunAsync(S2nModeFacing(ourRole), s2nConfig,
            ours: async (stream, ct) =>
            {
                await AuthenticateAsync(stream, ourRole, pki, ct);
                byte[] got = await S2nInterop.ReadExactlyAsync(stream, Bye.Length, ct);
                int first = await stream.ReadAsync(new byte[16], ct);
                int again = await stream.ReadAsync(new byte[16], ct);
                bool peerClosed = stream.Connection.IsPeerClosed;
                await stream.ShutdownAsync(ct); // s2n_shutdown waits for this
                return (got, first, again, peerClosed);
            },
            s2n: c =>
            {
                c.SendAll(Bye);
                c.Shutdown(); // sends close_notify, returns once ours arrives
                return true;
            });

        Assert.Equal(Bye, ours.got);
        Assert.Equal(0, ours.first);
        Assert.Equal(0, ours.again);
        Assert.True(ours.peerClosed);
        Assert.True(s2nShutdownReturned);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //= type=test
    //# Either party MAY initiate a close of its write side of the connection
    //# by sending a "close_notify" alert.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //= type=test
    //# Each party MUST send a "close_notify" alert before closing its write
    //# side of the connection, unless it has already sent some error alert.
    //# This does not have any effect on its read side of the connection.
    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public async Task We_close_first_s2n_reads_zero_and_we_can_still_read(TlsRole ourRole)
    {
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        using var s2nConfig = S2nConfigFor(ourRole, pki);

        var (ours, s2n) = await S2nInterop.RunAsync(S2nModeFacing(ourRole), s2nConfig,
            ours: async (stream, ct) =>
            {
                await AuthenticateAsync(stream, ourRole, pki, ct);
                await stream.WriteAsync(Bye, ct);
                await stream.ShutdownAsync(ct);
                var writeAfterClose = await Xunit.Record.ExceptionAsync(() => stream.WriteAsync(Bye, ct).AsTask());
                byte[] late = await S2nInterop.ReadExactlyAsync(stream, Late.Length, ct); // half-closed: reads go on
                int end = await stream.ReadAsync(new byte[16], ct);
                return (writeAfterClose, late, end);
            },
            s2n: c =>
            {
                var got = new byte[Bye.Length];
                c.ReceiveExactly(got);
                int afterClose = c.Receive(new byte[16]);
                c.SendAll(Late);
                c.Shutdown();
                return (got, afterClose);
            });

        Assert.Equal(Bye, s2n.got);
        Assert.Equal(0, s2n.afterClose);
        var error = Assert.IsType<TlsException>(ours.writeAfterClose);
        Assert.Equal(TlsErrorType.Closed, error.ErrorType);
        Assert.Equal(Late, ours.late);
        Assert.Equal(0, ours.end);
    }

    private static S2nMode S2nModeFacing(TlsRole ourRole) => ourRole == TlsRole.Client ? S2nMode.Server : S2nMode.Client;

    private static S2nConfig S2nConfigFor(TlsRole ourRole, GeneratedPki pki) =>
        ourRole == TlsRole.Client ? S2nInterop.ServerConfig(pki) : S2nInterop.ClientConfig(pki);

    private static Task AuthenticateAsync(TlsStream stream, TlsRole role, GeneratedPki pki, CancellationToken ct) =>
        role == TlsRole.Client
            ? stream.AuthenticateAsClientAsync(S2nInterop.OurClientConfig(pki), S2nInterop.ServerName, ct)
            : stream.AuthenticateAsServerAsync(S2nInterop.OurServerConfig(pki), ct);
}
