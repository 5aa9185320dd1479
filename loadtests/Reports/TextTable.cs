using System.Text;

namespace ClusterHost.LoadTests.Reports;

/// <summary>A plain-text table with aligned columns; numbers right-aligned.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params object[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}", nameof(cells));
        }
        _rows.Add([.. cells.Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture) ?? "")]);
        return this;
    }

    public void WriteTo(TextWriter writer, string indent = "  ")
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var numeric = headers.Select((_, i) => _rows.Count > 0 && _rows.All(r => IsNumber(r[i]))).ToArray();
        writer.WriteLine(Line(headers, widths, numeric, indent));
        foreach (var row in _rows)
        {
            writer.WriteLine(Line(row, widths, numeric, indent));
        }
    }

    private static string Line(string[] cells, int[] widths, bool[] numeric, string indent)
    {
        var line = new StringBuilder(indent);
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append("  ");
            }
            line.Append(numeric[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
        }
        return line.ToString().TrimEnd();
    }

    private static bool IsNumber(string cell) => cell.Length > 0 && cell.All(c => char.IsAsciiDigit(c) || c is '.' or '-');
}
