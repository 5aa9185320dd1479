using System.Globalization;
using ClusterHost.LoadTests.Load;
using ClusterHost.LoadTests.Reports;

namespace ClusterHost.LoadTests.Svg;

/// <summary>
/// The blocked-worker timeline: request latency (log scale) over time, one trace per keep-alive
/// connection coloured by the worker that owns it, the block shaded. Each request is drawn from
/// when it was sent to when it was answered at the height of its latency, so a connection stuck
/// behind the block shows as a plateau across the shaded band, and the others stay flat below.
/// </summary>
internal static class LatencyTimelineChart
{
    public const int Width = 1000;
    public const int Height = 540;

    /// <summary>Colours for workers 0, 1, 2 ... (Tableau 10), repeated past ten.</summary>
    public static readonly IReadOnlyList<string> Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#d62728"];

    private const double Left = 72;
    private const double Right = Width - 240;
    private const double Top = 78;
    private const double Bottom = Height - 52;

    public static string Color(int worker) => Palette[worker % Palette.Count];

    public static string Render(BlockedWorkerReport report, IReadOnlyList<RequestRecord> requests)
    {
        var load = requests.Where(r => r.Kind == RequestKind.Load).ToList();
        var owners = ConnectionOwners.FirstAnswer(requests.Where(r => r.Kind is RequestKind.Load or RequestKind.Probe));
        var startS = Math.Floor((load.Count == 0 ? report.BlockStartMs : load.Min(r => r.StartMs)) / 1000);
        var endS = Math.Ceiling(Math.Max(report.BlockEndMs, load.Count == 0 ? 0 : load.Max(r => r.EndMs)) / 1000);
        endS = Math.Max(endS, startS + 1);
        var latencies = load.Select(r => r.DurationMs).DefaultIfEmpty(1).ToList();
        var lowDecade = Math.Clamp(Math.Floor(Math.Log10(Math.Max(latencies.Min(), 0.1))), -1, 0);
        var highDecade = Math.Max(Math.Ceiling(Math.Log10(Math.Max(latencies.Max(), report.BlockMs) * 1.1)), lowDecade + 2);

        double X(double ms) => Left + ((ms / 1000) - startS) / (endS - startS) * (Right - Left);
        double Y(double ms) => Bottom - (Math.Log10(Math.Max(ms, Math.Pow(10, lowDecade))) - lowDecade) / (highDecade - lowDecade) * (Bottom - Top);

        var svg = new SvgWriter(Width, Height);
        svg.Rect(0, 0, Width, Height, "#ffffff");
        svg.Text(Left, 26, Title(report), size: 16, bold: true);
        var verdictLines = Wrap($"verdict: {report.Verdict}", 120);
        for (var i = 0; i < verdictLines.Count; i++)
        {
            svg.Text(Left, 46 + (14 * i), verdictLines[i], size: 12, fill: "#444");
        }

        // The block, shaded, with its label.
        svg.Rect(X(report.BlockStartMs), Top, X(report.BlockEndMs) - X(report.BlockStartMs), Bottom - Top, "#d62728", opacity: 0.08);
        svg.Text((X(report.BlockStartMs) + X(report.BlockEndMs)) / 2, Top + 14,
            $"worker {report.BlockedWorker} blocked ({Format.Duration(report.BlockMs)})", size: 12, anchor: "middle", fill: "#a02020");

        // Axes: a grid line per decade of latency, a tick per second (or per few).
        for (var decade = lowDecade; decade <= highDecade; decade++)
        {
            var y = Y(Math.Pow(10, decade));
            svg.Line(Left, y, Right, y, "#dddddd");
            svg.Text(Left - 6, y + 4, Format.Duration(Math.Pow(10, decade)).Replace(".0 ", " ", StringComparison.Ordinal), size: 11, anchor: "end", fill: "#555");
        }
        var bound = Y(BlockedWorkerReport.UnaffectedP99Ms);
        svg.Line(Left, bound, Right, bound, "#999999", dash: "4 4");
        svg.Text(Right - 4, bound - 4, "250 ms", size: 10, anchor: "end", fill: "#777");
        var step = Math.Max(1, Math.Ceiling((endS - startS) / 12));
        for (var s = startS; s <= endS; s += step)
        {
            svg.Line(X(s * 1000), Bottom, X(s * 1000), Bottom + 5, "#555");
            svg.Text(X(s * 1000), Bottom + 18, s.ToString("0", CultureInfo.InvariantCulture), size: 11, anchor: "middle", fill: "#555");
        }
        svg.Line(Left, Bottom, Right, Bottom, "#555").Line(Left, Top, Left, Bottom, "#555");
        svg.Text((Left + Right) / 2, Height - 12, "seconds since the scenario started", size: 12, anchor: "middle", fill: "#333");
        svg.Text(18, (Top + Bottom) / 2, "request latency (log scale)", size: 12, anchor: "middle", fill: "#333", rotate: -90);

        // One trace per connection; the blocked worker's drawn last, on top.
        foreach (var connection in load.GroupBy(r => r.Connection)
            .OrderBy(g => owners.TryGetValue(g.Key, out var o) && o == report.BlockedWorker ? 1 : 0).ThenBy(g => g.Key))
        {
            var owner = owners.TryGetValue(connection.Key, out var o) ? o : (int?)null;
            var points = new List<(double X, double Y)>();
            foreach (var request in connection.OrderBy(r => r.StartMs))
            {
                var y = Y(request.DurationMs);
                points.Add((X(request.StartMs), y));
                points.Add((X(request.EndMs), y));
            }
            svg.BeginGroup($"connection #{connection.Key}, " + (owner is { } w ? $"worker {w}" : "no answer"));
            svg.Polyline(points, report.Sticky && owner is { } ow ? Color(ow) : "#999999", width: 1.4, opacity: 0.75);
            foreach (var request in connection)
            {
                if (!request.Succeeded)
                {
                    svg.Circle(X(request.EndMs), Y(request.DurationMs), 3.5, "#000000");
                }
                else if (!report.Sticky && request.Worker is { } answered)
                {
                    // Balanced per request: the colour is the answering worker's, request by request.
                    svg.Circle(X(request.EndMs), Y(request.DurationMs), 1.8, Color(answered));
                }
            }
            svg.EndGroup();
        }

        // Legend.
        var legendX = Right + 18;
        var legendY = Top + 8;
        svg.Text(legendX, legendY, report.Sticky ? "connections owned by" : "requests answered by", size: 12, bold: true);
        foreach (var row in report.Rows)
        {
            legendY += 22;
            svg.Rect(legendX, legendY - 10, 18, 10, Color(row.Worker));
            var label = $"worker {row.Worker}" + (report.Sticky ? $": {row.Connections} conn." : "") + (row.Worker == report.BlockedWorker ? ", blocked" : "");
            svg.Text(legendX + 26, legendY, label, size: 11.5, bold: row.Worker == report.BlockedWorker);
        }
        legendY += 30;
        svg.Rect(legendX, legendY - 10, 18, 10, "#d62728", opacity: 0.15);
        svg.Text(legendX + 26, legendY, "the block", size: 12);
        legendY += 22;
        svg.Circle(legendX + 9, legendY - 5, 3.5, "#000000");
        svg.Text(legendX + 26, legendY, "failed request", size: 12);
        legendY += 30;
        foreach (var line in Wrap("Each request is a segment from sent to answered, at the height of its latency.", 28))
        {
            svg.Text(legendX, legendY, line, size: 11, fill: "#555");
            legendY += 14;
        }
        return svg.ToString();
    }

    private static string Title(BlockedWorkerReport report) =>
        $"blocked-worker: worker {report.BlockedWorker} blocked for {Format.Duration(report.RequestedBlockMs)}"
        + $" (mode {report.Mode ?? "unknown"}, {(report.Workers is { } n ? n.ToString(CultureInfo.InvariantCulture) : "?")} workers)";

    /// <summary>Splits <paramref name="text"/> at spaces into lines of at most <paramref name="width"/> characters (longer words stay whole).</summary>
    internal static IReadOnlyList<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line);
                line = word;
            }
            else
            {
                line = line.Length == 0 ? word : $"{line} {word}";
            }
        }
        if (line.Length > 0)
        {
            lines.Add(line);
        }
        return lines;
    }
}
