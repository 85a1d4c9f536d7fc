using System.Globalization;
using System.Text;

namespace Reference.Bench;

/// <summary>Whether a larger figure is better (rates) or a smaller one (bytes).</summary>
internal enum Better
{
    Higher,
    Lower,
}

/// <summary>
/// One row of the results table. <paramref name="MinRatio"/>/<paramref name="MaxRatio"/> bound ours/s2n,
/// <paramref name="Absolute"/> bounds our own figure (e.g. 0 bytes per record); every row must also beat SslStream.
/// </summary>
internal sealed record Row(string Metric, string Unit, Better Better, double? Ours, double? S2n, double? SslStream,
    double? MinRatio = null, double? MaxRatio = null, double? Absolute = null, string Note = "")
{
    public double? OursRatio => Ratio(Ours);

    public double? SslStreamRatio => Ratio(SslStream);

    private double? Ratio(double? value) => value is { } v && S2n is { } s && s > 0 ? v / s : null;

    public string Target
    {
        get
        {
            var parts = new List<string>();
            if (MinRatio is { } min) parts.Add($"≥{min:0.##}× s2n");
            if (MaxRatio is { } max) parts.Add($"≤{max:0.##}× s2n");
            if (Absolute is { } abs) parts.Add($"≤{abs:0.##} {Unit}");
            if (SslStream is not null) parts.Add("not behind SslStream");
            return string.Join(", ", parts);
        }
    }

    /// <summary>"yes", "NO" (with what failed) or "" when there is nothing to check.</summary>
    public string Verdict
    {
        get
        {
            if (Ours is not { } ours) return "";
            var misses = new List<string>();
            if (MinRatio is { } min && OursRatio is { } r1 && r1 < min) misses.Add("vs s2n");
            if (MaxRatio is { } max && OursRatio is { } r2 && r2 > max) misses.Add("vs s2n");
            if (Absolute is { } abs && ours > abs) misses.Add("absolute");
            if (SslStream is { } ssl && (Better == Better.Higher ? ours < ssl : ours > ssl)) misses.Add("vs SslStream");
            return misses.Count == 0 ? "yes" : "NO (" + string.Join(", ", misses) + ")";
        }
    }
}

internal static class Report
{
    public static string Table(IEnumerable<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| measurement | unit | ours | s2n | SslStream | ours/s2n | SslStream/s2n | target | met | note |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Metric} | {row.Unit} | {Num(row.Ours)} | {Num(row.S2n)} | {Num(row.SslStream)} | " +
                $"{Ratio(row.OursRatio)} | {Ratio(row.SslStreamRatio)} | {row.Target} | {row.Verdict} | {row.Note} |");
        }
        return text.ToString();
    }

    private static string Num(double? value) => value switch
    {
        null => "n/a",
        >= 100 => value.Value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static string Ratio(double? value) =>
        value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "n/a";
}
