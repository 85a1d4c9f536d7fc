namespace Reference.Tls;

/// <summary>
/// Server anti-replay for 0-RTT (RFC 8446 §8.2, ClientHello recording): remembers the validated PSK binder
/// of every ClientHello whose early data was accepted, for a time window, and rejects 0-RTT for a ClientHello
/// seen before. Memory is bounded: when <see cref="Capacity"/> entries are live, 0-RTT is rejected (the
/// handshake goes on in 1-RTT) until old entries expire. Thread-safe: share one instance among every
/// connection of a server instance (a <see cref="TlsConfig"/> and the configs derived from it with
/// <c>with</c> share it).
/// </summary>
public sealed class EarlyDataReplayFilter
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DateTime> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTime Expiry)> _expiries = new();

    /// <summary>A filter that remembers at most <paramref name="capacity"/> ClientHellos.</summary>
    public EarlyDataReplayFilter(int capacity = 65_536)
    {
        if (capacity <= 0)
        {
            throw TlsErrors.Usage("the replay filter needs a positive capacity");
        }

        Capacity = capacity;
    }

    /// <summary>The most ClientHellos remembered at once.</summary>
    public int Capacity { get; }

    /// <summary>ClientHellos remembered now (diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _seen.Count;
            }
        }
    }

    /// <summary>
    /// True the first time <paramref name="binder"/> is seen within <paramref name="window"/> (and records
    /// it); false for a repeat, or when the filter is full.
    /// </summary>
    internal bool TryRecordFirstUse(ReadOnlySpan<byte> binder, DateTime now, TimeSpan window)
    {
        string key = Convert.ToHexString(binder);
        lock (_gate)
        {
            Expire(now);
            if (_seen.ContainsKey(key) || _seen.Count >= Capacity)
            {
                return false;
            }

            var expiry = now + window;
            _seen[key] = expiry;
            _expiries.Enqueue((key, expiry));
            return true;
        }
    }

    private void Expire(DateTime now)
    {
        while (_expiries.TryPeek(out var oldest) && (oldest.Expiry <= now || _expiries.Count > 2 * Capacity))
        {
            _expiries.Dequeue();
            if (_seen.TryGetValue(oldest.Key, out var expiry) && expiry == oldest.Expiry)
            {
                _seen.Remove(oldest.Key);
            }
        }
    }
}
