using Reference.Tls.Crypto;
using Reference.Tls.Record;

namespace Reference.Tls.Tests.Malformed;

/// <summary>Collects the traffic secrets a connection logs (NSS key log lines), by label.</summary>
internal sealed class KeyLog
{
    private readonly Dictionary<string, byte[]> _secrets = [];

    public void Add(string line)
    {
        var parts = line.Split(' ');
        lock (_secrets)
        {
            _secrets[parts[0]] = Convert.FromHexString(parts[2]);
        }
    }

    public byte[] this[string label] => _secrets[label];

    public IReadOnlyCollection<byte[]> All => _secrets.Values;
}

/// <summary>
/// The outcome every malformed input must have: one <see cref="TlsException"/> (and no other exception type)
/// with the expected alert and error class, the fatal alert queued for the peer, and a sticky failure.
/// </summary>
internal static class Fatal
{
    /// <summary>Runs <paramref name="act"/> and checks that it fails <paramref name="connection"/> with <paramref name="alert"/>.</summary>
    public static TlsException Expect(TlsConnection connection, AlertDescription alert, Action act, KeyLog? keys = null)
    {
        var e = CatchTls(act);
        Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        Assert.Equal(alert, e.Alert);
        Assert.False(e.AlertFromPeer);
        AssertAlertQueued(connection, alert, keys);
        AssertSticky(connection, e);
        return e;
    }

    /// <summary>Feeds <paramref name="bytes"/> and expects the failure.</summary>
    public static TlsException OnFeed(TlsConnection connection, AlertDescription alert, byte[] bytes, KeyLog? keys = null) =>
        Expect(connection, alert, () => connection.Feed(bytes), keys);

    public static TlsException CatchTls(Action act)
    {
        Exception? caught = null;
        try
        {
            act();
        }
        catch (Exception e)
        {
            caught = e;
        }

        Assert.NotNull(caught);
        return Assert.IsType<TlsException>(caught);
    }

    /// <summary>After a failure every further call fails the same way and nothing more is produced.</summary>
    public static void AssertSticky(TlsConnection connection, TlsException failure)
    {
        Assert.True(connection.IsWriteClosed);
        int pending = connection.PendingOutput.Length;
        Assert.Same(failure, CatchTls(() => connection.Feed(Bytes.Record(ContentType.Alert, [1, 0]))));
        Assert.Same(failure, CatchTls(() => connection.Feed([])));
        Assert.Same(failure, CatchTls(() => connection.WriteApplicationData([1])));
        Assert.Equal(pending, connection.PendingOutput.Length);
    }

    /// <summary>The last record of the pending output is a fatal alert with <paramref name="alert"/>.</summary>
    public static void AssertAlertQueued(TlsConnection connection, AlertDescription alert, KeyLog? keys)
    {
        var records = Bytes.SplitRecords(connection.PendingOutput);
        Assert.NotEmpty(records);
        var last = records[^1];
        byte[] expected = [2, (byte)alert];
        if (last.Type == ContentType.Alert)
        {
            Assert.Equal(expected, last.Payload);
            return;
        }

        Assert.Equal(ContentType.ApplicationData, last.Type);
        Assert.True(keys is not null, "the alert is protected; pass the connection's key log to read it");
        Assert.True(TryOpenAlert(last, keys!, out var content), "no logged secret opens the last record as an alert");
        Assert.Equal(expected, content);
    }

    /// <summary>Tries every logged secret, every suite of matching hash length and small sequence numbers.</summary>
    private static bool TryOpenAlert(WireRecord record, KeyLog keys, out byte[] content)
    {
        foreach (var secret in keys.All)
        {
            foreach (var suite in CipherSuiteSpec.All.Where(s => s.HashLength == secret.Length))
            {
                for (ulong sequence = 0; sequence < 8; sequence++)
                {
                    using var reader = RecordProtector.Create(suite, secret);
                    reader.SetSequenceNumberForTest(sequence);
                    try
                    {
                        var (type, plain) = Bytes.Open(reader, record);
                        content = plain;
                        return type == ContentType.Alert;
                    }
                    catch (TlsException)
                    {
                        // Wrong key or sequence number: try the next one.
                    }
                }
            }
        }

        content = [];
        return false;
    }
}
