using System.Security.Cryptography;
using Reference.S2n;
using Reference.Tls.Certificates;

namespace Reference.Tls.Tests.Interop;

/// <summary>KeyUpdate between our engine and C s2n-tls, each side initiating, in both roles.</summary>
public sealed class S2nKeyUpdateTests
{
    private const int Chunk = 64 * 1024;

    private static readonly byte[] Before = "before"u8.ToArray();
    private static readonly byte[] Done = "done"u8.ToArray();

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# If the request_update field is set to "update_requested", then the
    //# receiver MUST send a KeyUpdate of its own with request_update set to
    //# "update_not_requested" prior to sending its next Application Data
    //# record.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# Upon receiving a KeyUpdate, the receiver MUST update
    //# its receiving keys.
    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public async Task Key_updates_both_ways_keep_data_flowing(TlsRole ourRole)
    {
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        using var s2nConfig = ourRole == TlsRole.Client ? S2nInterop.ServerConfig(pki) : S2nInterop.ClientConfig(pki);
        byte[] ours2s2n = RandomNumberGenerator.GetBytes(Chunk);
        byte[] s2nReply = RandomNumberGenerator.GetBytes(Chunk);
        byte[] s2nAfterOwnUpdate = RandomNumberGenerator.GetBytes(Chunk);

        var (ours, s2n) = await S2nInterop.RunAsync(ourRole == TlsRole.Client ? S2nMode.Server : S2nMode.Client, s2nConfig,
            ours: async (stream, ct) =>
            {
                await AuthenticateAsync(stream, ourRole, pki, ct);
                await stream.WriteAsync(Before, ct);
                await stream.UpdateKeysAsync(requestPeerUpdate: true, ct);
                await stream.WriteAsync(ours2s2n, ct);
                byte[] reply = await S2nInterop.ReadExactlyAsync(stream, Chunk, ct);      // after s2n's answering KeyUpdate
                byte[] afterUpdate = await S2nInterop.ReadExactlyAsync(stream, Chunk, ct); // after s2n's own KeyUpdate
                await stream.WriteAsync(Done, ct);
                var counts = stream.Connection.KeyUpdateCounts;
                await stream.ShutdownAsync(ct);
                return (reply, afterUpdate, counts, await stream.ReadAsync(new byte[1], ct));
            },
            s2n: c =>
            {
                var got = new byte[Before.Length + Chunk];
                c.ReceiveExactly(got);
                var afterOurs = c.KeyUpdateCounts;
                c.SendAll(s2nReply);
                c.RequestKeyUpdate();
                c.SendAll(s2nAfterOwnUpdate);
                var done = new byte[Done.Length];
                c.ReceiveExactly(done);
                var final = c.KeyUpdateCounts;
                int tail = c.Receive(new byte[1]);
                c.Shutdown();
                return (got, afterOurs, done, final, tail);
            });

        var (reply, afterUpdate, ourCounts, ourTail) = ours;
        var (got, s2nAfterOurs, done, s2nFinal, s2nTail) = s2n;
        Assert.Equal([.. Before, .. ours2s2n], got);
        Assert.Equal(s2nReply, reply);
        Assert.Equal(s2nAfterOwnUpdate, afterUpdate);
        Assert.Equal(Done, done);
        Assert.Equal((0, 1), s2nAfterOurs);  // s2n took our KeyUpdate
        Assert.Equal((2, 1), s2nFinal);      // s2n answered ours, then sent its own; we did not answer "not requested"
        Assert.Equal((2, 1), ourCounts);     // (received, sent): s2n's answer and its own; our one
        Assert.Equal((0, 0), (ourTail, s2nTail));
    }

    private static Task AuthenticateAsync(TlsStream stream, TlsRole role, GeneratedPki pki, CancellationToken ct) =>
        role == TlsRole.Client
            ? stream.AuthenticateAsClientAsync(S2nInterop.OurClientConfig(pki), S2nInterop.ServerName, ct)
            : stream.AuthenticateAsServerAsync(S2nInterop.OurServerConfig(pki), ct);
}
