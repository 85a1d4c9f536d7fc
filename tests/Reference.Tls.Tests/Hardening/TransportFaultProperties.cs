using FsCheck;
using FsCheck.Fluent;
using Reference.S2n;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;
using Reference.Tls.Tests.Properties;

namespace Reference.Tls.Tests.Hardening;

/// <summary>
/// The transport fails at a chosen byte of one direction (mid-record, mid-handshake, mid-KeyUpdate), either
/// with an IOException to the writer or by silently dropping the rest. Both TlsStreams must end with a
/// TlsException or complete, never another exception type, and every byte an application read must be the
/// byte its peer wrote there (what was read is a prefix of what was sent: nothing read is lost or altered).
/// </summary>
public class TransportFaultProperties
{
    private static readonly byte[] First = Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7)).ToArray();
    private static readonly byte[] Second = Enumerable.Range(0, 3_000).Select(i => (byte)(i * 13 + 1)).ToArray();
    private static readonly byte[] Sent = [.. First, .. Second];
    private static readonly Lazy<(TlsConfig Client, TlsConfig Server)> Configs = new(() => InMemoryPair.Configs());

    /// <summary>The record lengths of each direction in a run without a fault (the layout the cuts aim at).</summary>
    private static readonly Lazy<(int[] ClientToServer, int[] ServerToClient)> Layout = new(() =>
    {
        var run = Run(new Cut(ClientToServer: true, long.MaxValue, Throw: false));
        Assert.Null(run.ClientError);
        Assert.Null(run.ServerError);
        Assert.Equal(Sent, run.ClientRead);
        Assert.Equal(Sent, run.ServerRead);
        return (RecordLengths(run.ClientWrote), RecordLengths(run.ServerWrote));
    });

    private sealed record Cut(bool ClientToServer, long At, bool Throw);

    private sealed record Outcome(byte[] ClientRead, byte[] ServerRead, Exception? ClientError, Exception? ServerError, byte[] ClientWrote, byte[] ServerWrote);

    private static int[] RecordLengths(byte[] stream) => Bytes.SplitRecords(stream).Select(r => 5 + r.Payload.Length).ToArray();

    /// <summary>Passes writes through until byte <c>cutAt</c>; there the transport dies (both directions).</summary>
    private sealed class CuttingStream(Stream inner, long cutAt, bool throwAtCut, Action tearDown) : Stream
    {
        private readonly MemoryStream _wrote = new();
        private bool _cut;

        public byte[] Wrote => _wrote.ToArray();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_cut)
            {
                throw new IOException("the transport is down");
            }

            int keep = (int)Math.Min(buffer.Length, cutAt - _wrote.Length);
            inner.Write(buffer[..keep]);
            _wrote.Write(buffer[..keep]);
            if (keep == buffer.Length)
            {
                return;
            }

            _cut = true;
            tearDown();
            if (throwAtCut)
            {
                throw new IOException("the transport failed mid-write");
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush() => inner.Flush();

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static Outcome Run(Cut cut)
    {
        var (a, b) = DuplexStream.CreatePair();
        a.ReadTimeout = b.ReadTimeout = 10_000;
        void TearDown()
        {
            a.Dispose();
            b.Dispose();
        }

        var toServer = new CuttingStream(a, cut.ClientToServer ? cut.At : long.MaxValue, cut.Throw, TearDown);
        var toClient = new CuttingStream(b, cut.ClientToServer ? long.MaxValue : cut.At, cut.Throw, TearDown);
        var clientRead = new MemoryStream();
        var serverRead = new MemoryStream();
        var client = Task.Run(() => Catch(() => ClientScript(toServer, clientRead)));
        var server = Task.Run(() => Catch(() => ServerScript(toClient, serverRead)));
        Assert.True(Task.WaitAll([client, server], TimeSpan.FromSeconds(30)), "a side hung after the transport failed");
        TearDown();
        return new Outcome(clientRead.ToArray(), serverRead.ToArray(), client.Result, server.Result, toServer.Wrote, toClient.Wrote);
    }

    private static Exception? Catch(Action act)
    {
        try
        {
            act();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Client: 20 KB out and back, a KeyUpdate that asks for one back, 3 KB out and back, close.</summary>
    private static void ClientScript(Stream transport, MemoryStream read)
    {
        using var tls = new TlsStream(transport, leaveInnerStreamOpen: true);
        tls.AuthenticateAsClient(Configs.Value.Client, "localhost");
        tls.Write(First);
        ReadInto(tls, read, First.Length);
        tls.UpdateKeysAsync(requestPeerUpdate: true).GetAwaiter().GetResult();
        tls.Write(Second);
        ReadInto(tls, read, Second.Length);
        tls.Shutdown();
    }

    /// <summary>Server: echoes each block once it has all of it (so the byte layout is the same every run).</summary>
    private static void ServerScript(Stream transport, MemoryStream read)
    {
        using var tls = new TlsStream(transport, leaveInnerStreamOpen: true);
        tls.AuthenticateAsServer(Configs.Value.Server);
        tls.Write(ReadInto(tls, read, First.Length));
        tls.Write(ReadInto(tls, read, Second.Length));
        Assert.Equal(0, tls.Read(new byte[1]));
        tls.Shutdown();
    }

    private static byte[] ReadInto(TlsStream tls, MemoryStream read, int count)
    {
        var block = new byte[count];
        for (int at = 0; at < count;)
        {
            int n = tls.Read(block, at, count - at);
            if (n == 0)
            {
                throw new InvalidDataException("close_notify before the whole block");
            }

            read.Write(block, at, n);
            at += n;
        }

        return block;
    }

    private static void AssertHeldUp(Cut cut)
    {
        var o = Run(cut);
        foreach (var error in new[] { o.ClientError, o.ServerError })
        {
            Assert.True(error is null or TlsException, $"{cut}: {error}");
        }

        Assert.True(o.ClientError is not null || o.ServerError is not null || o.ClientRead.Length == Sent.Length, $"{cut}: nobody noticed");
        Assert.Equal(Sent.AsSpan(0, o.ClientRead.Length).ToArray(), o.ClientRead);
        Assert.Equal(Sent.AsSpan(0, o.ServerRead.Length).ToArray(), o.ServerRead);
    }

    /// <summary>A cut <paramref name="offset"/> bytes into record <paramref name="record"/> of one direction.</summary>
    private static Cut CutInRecord(bool clientToServer, int record, int offset, bool throwAtCut)
    {
        var lengths = clientToServer ? Layout.Value.ClientToServer : Layout.Value.ServerToClient;
        long start = lengths.Take(record).Sum();
        return new Cut(clientToServer, start + Math.Min(offset, lengths[record] - 1), throwAtCut);
    }

    [Fact]
    public void A_cut_in_the_middle_of_every_record_in_both_directions_ends_in_a_TlsException_and_loses_nothing_read()
    {
        foreach (bool clientToServer in new[] { true, false })
        {
            var lengths = clientToServer ? Layout.Value.ClientToServer : Layout.Value.ServerToClient;
            Assert.True(lengths.Length >= 5, "the run should have several records each way");
            for (int record = 0; record < lengths.Length; record++)
            {
                AssertHeldUp(CutInRecord(clientToServer, record, lengths[record] / 2, throwAtCut: record % 2 == 0));
            }
        }
    }

    [Fact]
    public void Random_cut_points_in_either_direction_end_in_a_TlsException_and_lose_nothing_read()
    {
        var cuts =
            from clientToServer in Gen.Elements(true, false)
            let lengths = clientToServer ? Layout.Value.ClientToServer : Layout.Value.ServerToClient
            from record in Gen.Choose(0, lengths.Length - 1)
            from offset in Gen.Choose(0, lengths[record])
            from throwAtCut in Gen.Elements(true, false)
            select CutInRecord(clientToServer, record, offset, throwAtCut);
        Check.One(PropertyHelpers.Quick(60), Prop.ForAll(cuts.ToArbitrary(), AssertHeldUp));
    }
}
