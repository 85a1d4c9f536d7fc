using System.Security.Cryptography;
using Reference.S2n;
using Reference.Tls.Certificates;
using Reference.Tls.Tests.Interop;

namespace Reference.Tls.Tests.S2nAcceptance;

/// <summary>
/// KeyUpdate with C s2n-tls under load: a thousand updates each way while data flows both ways at once,
/// and our automatic update at a lowered record limit, seen from s2n's side.
/// </summary>
public sealed class S2nKeyUpdateStressTests
{
    private const int Updates = 1000;
    private const int ChunkSize = 1024;

    /// <summary>s2n counts KeyUpdates in a uint8_t that stops at 255 (s2n_connection_get_key_update_counts).</summary>
    private const int S2nCountCeiling = 255;

    private static readonly byte[] Fin = "fin"u8.ToArray();

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# If the request_update field is set to "update_requested", then the
    //# receiver MUST send a KeyUpdate of its own with request_update set to
    //# "update_not_requested" prior to sending its next Application Data
    //# record.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.3
    //= type=test
    //# After sending a KeyUpdate message, the sender SHALL send all
    //# its traffic using the next generation of keys, computed as described
    //# in Section 7.2.
    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public async Task A_thousand_key_updates_each_way_while_data_flows_both_ways(TlsRole ourRole)
    {
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        using var s2nConfig = ourRole == TlsRole.Client ? S2nInterop.ServerConfig(pki) : S2nInterop.ClientConfig(pki);
        byte[] ourData = RandomNumberGenerator.GetBytes(Updates * ChunkSize);
        byte[] s2nData = RandomNumberGenerator.GetBytes(Updates * ChunkSize);

        var (ours, s2n) = await S2nInterop.RunAsync(ourRole == TlsRole.Client ? S2nMode.Server : S2nMode.Client, s2nConfig,
            ours: async (stream, ct) =>
            {
                await AuthenticateAsync(stream, ourRole, pki, ct);
                var writer = Task.Run(async () =>
                {
                    for (int i = 0; i < Updates; i++)
                    {
                        await stream.UpdateKeysAsync(requestPeerUpdate: true, ct); // s2n answers on its next send
                        await stream.WriteAsync(ourData.AsMemory(i * ChunkSize, ChunkSize), ct);
                    }
                }, ct);
                byte[] received = await S2nInterop.ReadExactlyAsync(stream, s2nData.Length, ct);
                await writer;
                byte[] fin = await S2nInterop.ReadExactlyAsync(stream, Fin.Length, ct);
                await stream.ShutdownAsync(ct);
                int tail = await stream.ReadAsync(new byte[1], ct);
                return (received, fin, tail, stream.Connection.KeyUpdateCounts);
            },
            s2n: c =>
            {
                // s2n_send and s2n_recv may run on two threads at once; s2n can only send update_not_requested.
                var writer = new Thread(() =>
                {
                    for (int i = 0; i < Updates; i++)
                    {
                        c.RequestKeyUpdate();
                        c.SendAll(s2nData.AsSpan(i * ChunkSize, ChunkSize));
                    }
                }) { IsBackground = true, Name = "s2n writer" };
                writer.Start();
                var received = new byte[ourData.Length];
                c.ReceiveExactly(received);
                Assert.True(writer.Join(S2nInterop.Timeout), "s2n's writer did not finish");
                c.SendAll(Fin); // carries s2n's answer to our last update_requested, if still pending
                int tail = c.Receive(new byte[1]);
                var counts = c.KeyUpdateCounts;
                c.Shutdown();
                return (received, tail, counts);
            });

        Assert.True(ourData.AsSpan().SequenceEqual(s2n.received), "s2n received our data altered");
        Assert.True(s2nData.AsSpan().SequenceEqual(ours.received), "we received s2n's data altered");
        Assert.Equal(Fin, ours.fin);
        Assert.Equal((0, 0), (ours.tail, s2n.tail));
        var (ourReceived, ourSent) = ours.KeyUpdateCounts;
        Assert.Equal(Updates, ourSent);                   // ours only: s2n never requests an answer
        Assert.InRange(ourReceived, Updates, 2 * Updates); // s2n's own, plus its answers (several requests may share one)
        Assert.Equal((S2nCountCeiling, S2nCountCeiling), s2n.counts);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.5
    //= type=test
    //# Implementations SHOULD do a key update as described in Section 4.6.3
    //# prior to reaching these limits.
    [Theory]
    [InlineData(TlsRole.Client)]
    [InlineData(TlsRole.Server)]
    public async Task Our_automatic_key_update_at_a_lowered_limit_is_seen_by_s2n(TlsRole ourRole)
    {
        const int limit = 50;
        const int records = 500;
        var pki = S2nInterop.Pki(KeyKind.EcdsaP256);
        using var s2nConfig = ourRole == TlsRole.Client ? S2nInterop.ServerConfig(pki) : S2nInterop.ClientConfig(pki);

        var (ourCounts, s2nSeen) = await S2nInterop.RunAsync(ourRole == TlsRole.Client ? S2nMode.Server : S2nMode.Client, s2nConfig,
            ours: async (stream, ct) =>
            {
                await AuthenticateAsync(stream, ourRole, pki, ct, limit);
                for (int i = 0; i < records; i++)
                {
                    await stream.WriteAsync(BitConverter.GetBytes((long)i), ct); // one record each
                }

                await stream.ShutdownAsync(ct);
                Assert.Equal(0, await stream.ReadAsync(new byte[1], ct));
                return stream.Connection.KeyUpdateCounts;
            },
            s2n: c =>
            {
                // After each record, how many KeyUpdates s2n has received: each one resets its read sequence.
                var seen = new List<(long Record, int Received)>();
                var record = new byte[sizeof(long)];
                for (int i = 0; i < records; i++)
                {
                    c.ReceiveExactly(record);
                    seen.Add((BitConverter.ToInt64(record), c.KeyUpdateCounts.Received));
                }

                Assert.Equal(0, c.Receive(new byte[1]));
                Assert.Equal(0, c.KeyUpdateCounts.Sent); // ours were update_not_requested: nothing to answer
                c.Shutdown();
                return seen;
            });

        // Records 0..49 under the first key; a KeyUpdate precedes record 50, 100, ... 450.
        Assert.Equal(Enumerable.Range(0, records).Select(i => ((long)i, i / limit)), s2nSeen);
        Assert.Equal((0, (records - 1) / limit), ourCounts);
    }

    private static Task AuthenticateAsync(TlsStream stream, TlsRole role, GeneratedPki pki, CancellationToken ct, ulong? limit = null) =>
        role == TlsRole.Client
            ? stream.AuthenticateAsClientAsync(S2nInterop.OurClientConfig(pki) with { KeyUpdateRecordLimit = limit }, S2nInterop.ServerName, ct)
            : stream.AuthenticateAsServerAsync(S2nInterop.OurServerConfig(pki) with { KeyUpdateRecordLimit = limit }, ct);
}
