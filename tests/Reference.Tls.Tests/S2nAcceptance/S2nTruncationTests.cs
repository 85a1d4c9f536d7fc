using System.Net.Sockets;
using Reference.S2n;
using Reference.Tls.Certificates;
using Reference.Tls.Tests.Interop;

namespace Reference.Tls.Tests.S2nAcceptance;

/// <summary>
/// Half-close and truncation with C s2n-tls, both roles: s2n closes its write side with close_notify and
/// keeps reading; a transport closed without close_notify is an error on both sides, never a clean end of
/// data. (Interop/S2nCloseTests covers s2n's full shutdown and our half-close.)
/// </summary>
public sealed class S2nTruncationTests
{
    private static readonly byte[] Bye = "bye"u8.ToArray();
    private static readonly byte[] Late = "late data"u8.ToArray();

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //= type=test
    //# Either party MAY initiate a close of its write side of the connection
    //# by sending a "close_notify" alert.  Any data received after a closure
    //# alert has been received MUST be ignored.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //= type=test
    //# Each party MUST send a "close_notify" alert before closing its write
    //# side of the connection, unless it has already sent some error alert.
    //# This does not have any effect on its read side of the connection.
    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public async Task S2n_half_closes_we_read_zero_and_can_still_send(TlsRole ourRole)
    {
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        var (ours, s2n) = await RunAsync(ourRole, pki,
            ours: async (stream, _, ct) =>
            {
                byte[] got = await S2nInterop.ReadExactlyAsync(stream, Bye.Length, ct);
                int end = await stream.ReadAsync(new byte[16], ct);
                bool peerClosed = stream.Connection.IsPeerClosed;
                await stream.WriteAsync(Late, ct); // our write side is still open
                await stream.ShutdownAsync(ct);
                return (got, end, peerClosed);
            },
            s2n: (c, _) =>
            {
                c.SendAll(Bye);
                c.ShutdownSend(); // close_notify only: s2n keeps reading
                var late = new byte[Late.Length];
                c.ReceiveExactly(late);
                return (late, end: c.Receive(new byte[16]));
            });

        var (got, end, peerClosed) = await ours;
        Assert.Equal(Bye, got);
        Assert.Equal(0, end);
        Assert.True(peerClosed);
        var (late, s2nEnd) = await s2n;
        Assert.Equal(Late, late);
        Assert.Equal(0, s2nEnd);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //= type=test
    //# If a transport-level close
    //# is received prior to a "close_notify", the receiver cannot know that
    //# all the data that was sent has been received.
    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public async Task S2n_transport_closed_without_close_notify_is_a_Closed_error_for_our_read(TlsRole ourRole)
    {
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        var (ours, s2n) = await RunAsync(ourRole, pki,
            ours: async (stream, _, ct) =>
            {
                byte[] got = await S2nInterop.ReadExactlyAsync(stream, Bye.Length, ct);
                var error = await Xunit.Record.ExceptionAsync(() => stream.ReadAsync(new byte[16], ct).AsTask());
                return (got, error);
            },
            s2n: (c, socket) =>
            {
                c.SendAll(Bye);
                socket.Shutdown(SocketShutdown.Send); // TCP FIN, no close_notify
                return true;
            });

        var (got, error) = await ours;
        Assert.True(await s2n);
        Assert.Equal(Bye, got);
        var tls = Assert.IsType<TlsException>(error);
        Assert.Equal(TlsErrorType.Closed, tls.ErrorType);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
    //= type=test
    //# If a transport-level close
    //# is received prior to a "close_notify", the receiver cannot know that
    //# all the data that was sent has been received.
    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public async Task Our_transport_closed_without_close_notify_is_an_error_for_s2n(TlsRole ourRole)
    {
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        var (ours, s2n) = await RunAsync(ourRole, pki,
            ours: async (stream, socket, ct) =>
            {
                await stream.WriteAsync(Bye, ct);
                socket.Shutdown(SocketShutdown.Send); // TCP FIN, no close_notify
                return true;
            },
            s2n: (c, _) =>
            {
                var got = new byte[Bye.Length];
                c.ReceiveExactly(got);
                var error = Xunit.Record.Exception(() => c.Receive(new byte[16]));
                return (got, error);
            });

        Assert.True(await ours);
        var (got, error) = await s2n;
        Assert.Equal(Bye, got);
        var s2nError = Assert.IsType<S2nException>(error); // not a clean 0
        Assert.Equal(S2nErrorType.Closed, s2nError.ErrorType);
        Assert.Equal("S2N_ERR_CLOSED", s2nError.ErrorName);
    }

    /// <summary>
    /// Authenticates our side against an s2n endpoint over loopback TCP, then runs both sessions, each also
    /// given its own socket (to close the transport under TLS). Returns both finished tasks.
    /// </summary>
    private static async Task<(Task<TOurs> Ours, Task<TS2n> S2n)> RunAsync<TOurs, TS2n>(TlsRole ourRole, GeneratedPki pki,
        Func<TlsStream, Socket, CancellationToken, Task<TOurs>> ours, Func<S2nConnection, Socket, TS2n> s2n)
    {
        using var s2nConfig = ourRole == TlsRole.Client ? S2nInterop.ServerConfig(pki) : S2nInterop.ClientConfig(pki);
        var (serverSocket, clientSocket) = await S2nInterop.ConnectLoopbackAsync();
        using var s2nSocket = ourRole == TlsRole.Client ? serverSocket : clientSocket;
        using var ourSocket = ourRole == TlsRole.Client ? clientSocket : serverSocket;
        var mode = ourRole == TlsRole.Client ? S2nMode.Server : S2nMode.Client;
        using var cts = new CancellationTokenSource(S2nInterop.Timeout);
        var s2nTask = S2nPeer.RunAsync(mode, c => c.UseSocket(s2nSocket), s2nConfig,
            mode == S2nMode.Client ? S2nInterop.ServerName : null, c => s2n(c, s2nSocket));
        var ourTask = Task.Run(async () =>
        {
            await using var stream = new TlsStream(new NetworkStream(ourSocket, ownsSocket: false));
            if (ourRole == TlsRole.Client)
            {
                await stream.AuthenticateAsClientAsync(S2nInterop.OurClientConfig(pki), S2nInterop.ServerName, cts.Token);
            }
            else
            {
                await stream.AuthenticateAsServerAsync(S2nInterop.OurServerConfig(pki), cts.Token);
            }

            return await ours(stream, ourSocket, cts.Token);
        });
        await Task.WhenAll(s2nTask, ourTask).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(S2nInterop.Timeout);
        return (ourTask, s2nTask);
    }
}
