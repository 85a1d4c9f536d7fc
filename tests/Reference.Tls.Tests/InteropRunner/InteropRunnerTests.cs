using Reference.Interop;

namespace Reference.Tls.Tests.InteropRunner;

/// <summary>
/// A fast subset of interop/run, in process: every scenario between our engine and C s2n-tls in both
/// directions with small sizes, and the key update flood between our endpoints, blocking and async.
/// </summary>
public sealed class InteropRunnerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // 20 blocks of 1 MB, a scaled "GB" of 5 blocks (tags 0..3), a key update every 5 blocks (3 in all).
    private static readonly ScenarioSettings Small = new(Blocks: 20, BlocksPerGb: 5, KeyUpdateEveryBlocks: 5, FloodKeyUpdates: 1000);

    public static TheoryData<string, string, string> OursAndS2nPairs()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string scenario in Scenarios.All)
        {
            data.Add(scenario, Endpoints.Ours, Endpoints.S2n);
            data.Add(scenario, Endpoints.S2n, Endpoints.Ours);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OursAndS2nPairs))]
    public void Every_scenario_passes_between_our_engine_and_s2n(string scenario, string client, string server)
    {
        var outcome = InProcess.Run(scenario, client, server, Small, Timeout);
        if (scenario == Scenarios.KeyUpdateFlood && client == Endpoints.S2n)
        {
            // s2n's API cannot send KeyUpdate(update_requested); the matrix shows this cell as n/a.
            Assert.Equal(Outcome.NotAvailable, outcome.Status);
            return;
        }

        Assert.True(outcome.Status == Outcome.Pass, $"{scenario} {client} -> {server}: {outcome.Detail}");
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-2.2
    //= type=test
    //# Figure 3 shows a pair of handshakes in which the first handshake
    //# establishes a PSK and the second handshake uses it:
    [Theory]
    [InlineData(Scenarios.SessionResumption, Endpoints.Ours, Endpoints.OursAsync)]
    [InlineData(Scenarios.SessionResumption, Endpoints.OursAsync, Endpoints.Ours)]
    [InlineData(Scenarios.OobPsk, Endpoints.Ours, Endpoints.OursAsync)]
    [InlineData(Scenarios.OobPsk, Endpoints.OursAsync, Endpoints.Ours)]
    [InlineData(Scenarios.SessionResumption, Endpoints.S2n, Endpoints.S2n)]
    [InlineData(Scenarios.OobPsk, Endpoints.S2n, Endpoints.S2n)]
    public void Psk_scenarios_pass_between_any_two_endpoints(string scenario, string client, string server)
    {
        var outcome = InProcess.Run(scenario, client, server, Small, Timeout);
        Assert.True(outcome.Status == Outcome.Pass, $"{scenario} {client} -> {server}: {outcome.Detail}");
        Assert.Contains(scenario == Scenarios.OobPsk ? "external PSK used" : "resumed", outcome.Detail);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
    //= type=test
    //# When a PSK is used and early data is allowed for that PSK, the client
    //# can send Application Data in its first flight of messages.
    [Theory]
    [InlineData(Endpoints.Ours, Endpoints.OursAsync)]
    [InlineData(Endpoints.OursAsync, Endpoints.Ours)]
    [InlineData(Endpoints.OursAsync, Endpoints.S2n)]
    [InlineData(Endpoints.S2n, Endpoints.OursAsync)]
    [InlineData(Endpoints.S2n, Endpoints.S2n)]
    public void Early_data_passes_between_any_two_endpoints(string client, string server)
    {
        var outcome = InProcess.Run(Scenarios.EarlyData, client, server, Small, Timeout);
        Assert.True(outcome.Status == Outcome.Pass, $"early_data {client} -> {server}: {outcome.Detail}");
        Assert.Contains("request sent as early data and accepted", outcome.Detail);
        Assert.Contains("read the request as early data", outcome.Detail);
    }

    [Theory]
    [InlineData(Endpoints.Ours)]
    [InlineData(Endpoints.OursAsync)]
    public void Key_update_flood_between_our_endpoints_finishes_with_bounded_memory(string impl)
    {
        var settings = Small with { FloodKeyUpdates = 5000 };
        var outcome = InProcess.Run(Scenarios.KeyUpdateFlood, impl, impl, settings, Timeout);
        // The scenario itself fails if the live heap grows by more than the bound during the flood.
        Assert.True(outcome.Status == Outcome.Pass, outcome.Detail);
        Assert.Contains("live heap", outcome.Detail);
        Assert.True(outcome.Elapsed < Timeout);
    }

    [Fact]
    public void Large_download_checks_the_tags_and_the_key_update_count()
    {
        Assert.Equal(0, Small.Tag(4));
        Assert.Equal(1, Small.Tag(5));
        Assert.Equal(3, Small.Tag(19));
        Assert.Equal(3, Small.ExpectedKeyUpdates);
        var full = new ScenarioSettings(256_000, 1000, 1000, 5000);
        Assert.Equal(256_000_000_000, full.TotalBytes);
        Assert.Equal(255, full.Tag(255_999));
        Assert.Equal(255, full.ExpectedKeyUpdates);
    }

    [Fact]
    public void Tiny_write_stream_never_writes_more_than_four_bytes_at_once()
    {
        var recorder = new RecordingStream();
        using var tiny = new TinyWriteStream(recorder, TinyWriteStream.DefaultMaxWrite);
        var data = Enumerable.Range(0, 23).Select(i => (byte)i).ToArray();
        tiny.Write(data);
        Assert.All(recorder.Writes, w => Assert.InRange(w, 1, 4));
        Assert.Equal(data, recorder.ToArray());
    }

    [Fact]
    public void Matrix_marks_unsupported_cells_and_reports_failures()
    {
        var results = new List<(string, string, string, Outcome)>
        {
            (Scenarios.Handshake, "ours", "s2n", new Outcome(Outcome.Pass, TimeSpan.FromSeconds(0.5), "ok")),
            (Scenarios.Handshake, "s2n", "ours", new Outcome(Outcome.Fail, TimeSpan.FromSeconds(30), "timeout: no result within 30s")),
            ("early_data", "openssl", "s2n", new Outcome(Outcome.NotAvailable, TimeSpan.Zero, Capabilities.NotAvailable("early_data", "openssl", "s2n")!)),
        };
        string matrix = Runner.FormatMatrix(results, ["ours", "s2n"]);
        Assert.Contains("1 passed, 1 failed, 1 n/a", matrix);
        Assert.Contains("FAILED handshake s2n -> ours: timeout", matrix);
        Assert.Contains("openssl s_client/s_server relay stdin/stdout", matrix);
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes.Add(buffer.Length);
            base.Write(buffer);
        }
    }
}
