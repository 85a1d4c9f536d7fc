using System.Globalization;

namespace Reference.Interop;

/// <summary>The scenario names (exactly as the s2n-tls interop runner spells them) and what each needs.</summary>
internal static class Scenarios
{
    public const string Handshake = "handshake";
    public const string RequestResponse = "request_response";
    public const string MtlsRequestResponse = "mtls_request_response";
    public const string LargeDataDownload = "large_data_download";
    public const string LargeDataDownloadWithKeyUpdates = "large_data_download_with_frequent_key_updates";
    public const string ServerInitiatedClose = "server_initiated_close";
    public const string HalfClose = "half_close";
    public const string ClientHelloRetry = "client_hello_retry";
    public const string SmallTcpPacket = "small_tcp_packet";
    public const string KeyUpdateFlood = "key_update_flood";
    public const string SessionResumption = "session_resumption";
    public const string OobPsk = "oob_psk";
    public const string EarlyData = "early_data";

    public static readonly string[] All =
    [
        Handshake, RequestResponse, MtlsRequestResponse, LargeDataDownload, LargeDataDownloadWithKeyUpdates,
        ServerInitiatedClose, HalfClose, ClientHelloRetry, SmallTcpPacket, KeyUpdateFlood, SessionResumption, OobPsk, EarlyData,
    ];

    public const string Request = "i am the client. nice to meet you server.";
    public const string Response = "i am the server. a pleasure to make your acquaintance.";
    public const int BlockSize = 1_000_000;

    public static bool IsLargeDownload(string scenario) =>
        scenario is LargeDataDownload or LargeDataDownloadWithKeyUpdates;
}

/// <summary>Sizes read from the environment, so CI can scale the large scenarios down.</summary>
internal sealed record ScenarioSettings(long Blocks, int BlocksPerGb, int KeyUpdateEveryBlocks, int FloodKeyUpdates)
{
    /// <summary>LARGE_DATA_GB (default 256), BLOCKS_PER_GB (default 1000), KEY_UPDATE_EVERY_BLOCKS
    /// (default BLOCKS_PER_GB), KEY_UPDATE_FLOOD_COUNT (default 5000).</summary>
    public static ScenarioSettings FromEnvironment()
    {
        double gb = Number("LARGE_DATA_GB", 256);
        int perGb = (int)Number("BLOCKS_PER_GB", 1000);
        int every = (int)Number("KEY_UPDATE_EVERY_BLOCKS", perGb);
        int flood = (int)Number("KEY_UPDATE_FLOOD_COUNT", 5000);
        if (gb <= 0 || perGb <= 0 || every <= 0 || flood <= 0)
            throw new ArgumentException("LARGE_DATA_GB, BLOCKS_PER_GB, KEY_UPDATE_EVERY_BLOCKS and KEY_UPDATE_FLOOD_COUNT must be positive");
        return new ScenarioSettings((long)Math.Round(gb * 1000), perGb, every, flood);
    }

    public long TotalBytes => Blocks * Scenarios.BlockSize;

    /// <summary>Byte 0 of block <paramref name="index"/>: how many whole (scaled) GB were sent before it.</summary>
    public byte Tag(long index) => unchecked((byte)(index / BlocksPerGb));

    /// <summary>The server updates its sending key before each block that starts a new key-update period.</summary>
    public bool KeyUpdateBefore(long index) => index > 0 && index % KeyUpdateEveryBlocks == 0;

    public long ExpectedKeyUpdates => Blocks == 0 ? 0 : (Blocks - 1) / KeyUpdateEveryBlocks;

    private static double Number(string name, double fallback)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(text) ? fallback : double.Parse(text, CultureInfo.InvariantCulture);
    }
}
