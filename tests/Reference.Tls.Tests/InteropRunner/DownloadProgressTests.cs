using Reference.Interop;

namespace Reference.Tls.Tests.InteropRunner;

/// <summary>The progress line of a long interop download: GB done, rate and ETA.</summary>
public class DownloadProgressTests
{
    [Theory]
    [InlineData(128_000_000_000L, 256_000_000_000L, 400, "progress: 128.000 of 256 GB, 0.320 GB/s, ETA 0h06m40s")]
    [InlineData(1_000_000_000L, 256_000_000_000L, 10, "progress: 1.000 of 256 GB, 0.100 GB/s, ETA 0h42m30s")]
    [InlineData(256_000_000L, 256_000_000L, 2, "progress: 0.256 of 0.256 GB, 0.128 GB/s, ETA 0h00m00s")]
    public void The_line_says_gb_done_rate_and_eta(long done, long total, int seconds, string expected) =>
        Assert.Equal(expected, DownloadProgress.Line(done, total, TimeSpan.FromSeconds(seconds)));
}
