using System.Diagnostics;
using System.Globalization;

namespace Reference.Interop;

/// <summary>
/// A long download says how far it is, every 10 s on stderr: "progress: GB done of GB, GB/s, ETA". The runner
/// relays these lines as they come, so a 256 GB run is never silent for minutes.
/// </summary>
internal sealed class DownloadProgress(long totalBytes, Stopwatch clock)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);
    private TimeSpan _next = Every;

    public void Report(long doneBytes)
    {
        var elapsed = clock.Elapsed;
        if (elapsed < _next)
            return;
        _next = elapsed + Every;
        Console.Error.WriteLine(Line(doneBytes, totalBytes, elapsed));
    }

    public static string Line(long doneBytes, long totalBytes, TimeSpan elapsed)
    {
        double rate = doneBytes / 1e9 / Math.Max(elapsed.TotalSeconds, 1e-3);
        var eta = TimeSpan.FromSeconds(rate > 0 ? (totalBytes - doneBytes) / 1e9 / rate : 0);
        return string.Create(CultureInfo.InvariantCulture,
            $"progress: {doneBytes / 1e9:0.000} of {totalBytes / 1e9:0.###} GB, {rate:0.000} GB/s, ETA {(int)eta.TotalHours}h{eta.Minutes:00}m{eta.Seconds:00}s");
    }
}
