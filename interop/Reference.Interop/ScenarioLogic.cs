using System.Text;

namespace Reference.Interop;

/// <summary>What each side of each scenario does over an established session. Throws <see cref="ScenarioException"/>
/// (or the implementation's own error) when a check fails; returns a short note for the log.</summary>
internal static class ScenarioLogic
{
    internal static readonly byte[] RequestBytes = Encoding.ASCII.GetBytes(Scenarios.Request);
    internal static readonly byte[] ResponseBytes = Encoding.ASCII.GetBytes(Scenarios.Response);

    public static string RunClient(string scenario, ITlsSession s, ScenarioSettings settings)
    {
        switch (scenario)
        {
            case Scenarios.Handshake:
                s.CloseWrite();
                s.ExpectClose();
                return "closed";
            case Scenarios.RequestResponse or Scenarios.MtlsRequestResponse or Scenarios.SmallTcpPacket:
                ClientRequestResponse(s);
                s.CloseWrite();
                s.ExpectClose();
                return "ok";
            case Scenarios.ClientHelloRetry:
                Check(s.HelloRetry, $"{s.Implementation} client: the handshake had no HelloRetryRequest");
                ClientRequestResponse(s);
                s.CloseWrite();
                s.ExpectClose();
                return "hello retry ok";
            case Scenarios.LargeDataDownload or Scenarios.LargeDataDownloadWithKeyUpdates:
                return ClientDownload(scenario, s, settings);
            case Scenarios.ServerInitiatedClose:
                ClientRequestResponse(s);
                s.ExpectClose();
                s.CloseWrite();
                return "server closed first";
            case Scenarios.HalfClose:
                s.Write(RequestBytes);
                s.CloseWrite();
                ExpectBytes(s, ResponseBytes, "client (after its own close_notify)");
                s.ExpectClose();
                return "response received after half close";
            case Scenarios.KeyUpdateFlood:
                return KeyUpdateFlood.RunFlooder(s, settings.FloodKeyUpdates);
            case Scenarios.OobPsk:
                Check(s.PskUsed, $"{s.Implementation} client: the handshake did not use the external PSK");
                ClientRequestResponse(s);
                s.CloseWrite();
                s.ExpectClose();
                return "external PSK used";
            default:
                throw new ArgumentException($"unknown scenario '{scenario}'");
        }
    }

    public static string RunServer(string scenario, ITlsSession s, ScenarioSettings settings)
    {
        switch (scenario)
        {
            case Scenarios.Handshake:
                s.ExpectClose();
                s.CloseWrite();
                return "closed";
            case Scenarios.RequestResponse or Scenarios.MtlsRequestResponse or Scenarios.SmallTcpPacket or Scenarios.ClientHelloRetry:
                if (scenario == Scenarios.MtlsRequestResponse)
                    Check(s.PeerPresentedCertificate, $"{s.Implementation} server: the client sent no certificate");
                if (scenario == Scenarios.ClientHelloRetry)
                    Check(s.HelloRetry, $"{s.Implementation} server: the handshake had no HelloRetryRequest");
                ExpectBytes(s, RequestBytes, "server");
                s.Write(ResponseBytes);
                s.ExpectClose();
                s.CloseWrite();
                return "ok";
            case Scenarios.LargeDataDownload or Scenarios.LargeDataDownloadWithKeyUpdates:
                return ServerDownload(scenario, s, settings);
            case Scenarios.ServerInitiatedClose:
                ExpectBytes(s, RequestBytes, "server");
                s.Write(ResponseBytes);
                s.CloseWrite();
                s.ExpectClose();
                return "ok";
            case Scenarios.HalfClose:
                ExpectBytes(s, RequestBytes, "server");
                s.ExpectClose();
                s.Write(ResponseBytes); // the client's write side is closed, its read side is not
                s.CloseWrite();
                return "answered a half-closed client";
            case Scenarios.KeyUpdateFlood:
                return KeyUpdateFlood.RunFlooded(s, settings.FloodKeyUpdates);
            case Scenarios.OobPsk:
                Check(s.PskUsed, $"{s.Implementation} server: the handshake did not use the external PSK");
                ServerRequestResponse(s);
                return "external PSK used";
            default:
                throw new ArgumentException($"unknown scenario '{scenario}'");
        }
    }

    public static void ClientRequestResponse(ITlsSession s)
    {
        s.Write(RequestBytes);
        ExpectBytes(s, ResponseBytes, "client");
    }

    /// <summary>Server side of request/response, then the client closes first.</summary>
    public static void ServerRequestResponse(ITlsSession s)
    {
        ExpectBytes(s, RequestBytes, "server");
        s.Write(ResponseBytes);
        s.ExpectClose();
        s.CloseWrite();
    }

    internal static void ExpectBytes(ITlsSession s, byte[] expected, string who)
    {
        var received = new byte[expected.Length];
        s.ReadExactly(received);
        Check(received.AsSpan().SequenceEqual(expected),
            $"{s.Implementation} {who} received \"{Encoding.ASCII.GetString(received)}\"");
    }

    private static string ServerDownload(string scenario, ITlsSession s, ScenarioSettings settings)
    {
        ExpectBytes(s, RequestBytes, "server");
        bool keyUpdates = scenario == Scenarios.LargeDataDownloadWithKeyUpdates;
        var block = new byte[Scenarios.BlockSize];
        for (long i = 0; i < settings.Blocks; i++)
        {
            if (keyUpdates && settings.KeyUpdateBefore(i))
                Check(s.TryUpdateKey(requestPeerUpdate: false), $"{s.Implementation} cannot update its key");
            block[0] = settings.Tag(i);
            s.Write(block);
        }
        s.ExpectClose();
        s.CloseWrite();
        return $"sent {settings.Blocks} blocks, {s.KeyUpdateCounts.Sent} key updates";
    }

    private static string ClientDownload(string scenario, ITlsSession s, ScenarioSettings settings)
    {
        s.Write(RequestBytes);
        var block = new byte[Scenarios.BlockSize];
        long total = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new DownloadProgress(settings.TotalBytes, clock);
        for (long i = 0; i < settings.Blocks; i++)
        {
            s.ReadExactly(block);
            total += block.Length;
            Check(block[0] == settings.Tag(i), $"block {i}: byte 0 is {block[0]}, expected {settings.Tag(i)}");
            progress.Report(total);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        s.CloseWrite();
        s.ExpectClose(); // no byte beyond the expected total
        Check(total == settings.TotalBytes, $"received {total} bytes, expected {settings.TotalBytes}");
        long received = s.KeyUpdateCounts.Received;
        if (scenario == Scenarios.LargeDataDownloadWithKeyUpdates)
        {
            // s2n's counters are bytes that saturate at 255.
            long expected = s.Implementation == Endpoints.S2n ? Math.Min(255, settings.ExpectedKeyUpdates) : settings.ExpectedKeyUpdates;
            Check(received == expected, $"{s.Implementation} client saw {received} key updates, expected {expected}");
        }
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"received {total} bytes, {received} key updates, {total / 1e6 / seconds:F1} MB/s");
    }

    public static void Check(bool condition, string failure)
    {
        if (!condition)
            throw new ScenarioException(failure);
    }
}
