using System.Diagnostics.Tracing;

namespace Reference.Bench;

/// <summary>
/// Samples managed allocations by type through the runtime's AllocationTick event (one event per
/// ~100 KB allocated), for <c>--alloc-sample handshake|COUNT</c>: shows which types make up the
/// bytes allocated per handshake.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = [];
    private long _total;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
            return;
        int typeIndex = e.PayloadNames!.IndexOf("TypeName");
        int amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        string type = typeIndex >= 0 ? e.Payload[typeIndex]?.ToString() ?? "?" : "?";
        long amount = amountIndex >= 0 ? Convert.ToInt64(e.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture) : 0;
        lock (_bytesByType)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
            _total += amount;
        }
    }

    public static int Run(int handshakes)
    {
        var handshaker = new OursHarness().CreateHandshaker(HandshakeCase.EcdsaX25519);
        for (int i = 0; i < 50; i++)
            handshaker.HandshakeOnce();
        using var sampler = new AllocationSampler();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < handshakes; i++)
            handshaker.HandshakeOnce();
        double perHandshake = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)handshakes;
        Thread.Sleep(500); // let the listener drain its buffer
        Console.WriteLine($"{perHandshake:0} B allocated per handshake pair; sampled share by type:");
        lock (sampler._bytesByType)
        {
            foreach (var (type, bytes) in sampler._bytesByType.OrderByDescending(p => p.Value).Take(25))
                Console.WriteLine($"{100.0 * bytes / sampler._total,6:0.0}%  ~{perHandshake * bytes / sampler._total,8:0} B  {type}");
        }
        return 0;
    }
}
