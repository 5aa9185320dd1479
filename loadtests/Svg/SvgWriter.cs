using System.Globalization;
using System.Security;
using System.Text;

namespace ClusterHost.LoadTests.Svg;

/// <summary>
/// The few SVG elements a chart needs, written as text (no plotting package is available here).
/// Coordinates are user units with one decimal; text is XML-escaped.
/// </summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder _svg = new();
    private int _openGroups;

    public SvgWriter(int width, int height)
    {
        _svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\">\n");
    }

    public SvgWriter Rect(double x, double y, double width, double height, string fill, double opacity = 1, string? stroke = null)
    {
        _svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"{Attr(fill)}\"");
        Optional("fill-opacity", opacity, 1);
        if (stroke is not null)
        {
            _svg.Append(CultureInfo.InvariantCulture, $" stroke=\"{Attr(stroke)}\"");
        }
        _svg.Append("/>\n");
        return this;
    }

    public SvgWriter Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null)
    {
        _svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{Attr(stroke)}\" stroke-width=\"{N(width)}\"");
        if (dash is not null)
        {
            _svg.Append(CultureInfo.InvariantCulture, $" stroke-dasharray=\"{Attr(dash)}\"");
        }
        _svg.Append("/>\n");
        return this;
    }

    /// <summary>A polyline through <paramref name="points"/>; nothing when there are fewer than two.</summary>
    public SvgWriter Polyline(IReadOnlyList<(double X, double Y)> points, string stroke, double width = 1, double opacity = 1)
    {
        if (points.Count < 2)
        {
            return this;
        }
        _svg.Append("<polyline fill=\"none\" points=\"");
        _svg.AppendJoin(' ', points.Select(p => $"{N(p.X)},{N(p.Y)}"));
        _svg.Append(CultureInfo.InvariantCulture, $"\" stroke=\"{Attr(stroke)}\" stroke-width=\"{N(width)}\" stroke-linejoin=\"round\"");
        Optional("stroke-opacity", opacity, 1);
        _svg.Append("/>\n");
        return this;
    }

    public SvgWriter Circle(double cx, double cy, double r, string fill, string? stroke = null)
    {
        _svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(cx)}\" cy=\"{N(cy)}\" r=\"{N(r)}\" fill=\"{Attr(fill)}\"");
        if (stroke is not null)
        {
            _svg.Append(CultureInfo.InvariantCulture, $" stroke=\"{Attr(stroke)}\"");
        }
        _svg.Append("/>\n");
        return this;
    }

    /// <param name="anchor">start, middle or end.</param>
    public SvgWriter Text(double x, double y, string text, double size = 12, string anchor = "start", string fill = "#222", bool bold = false, double rotate = 0)
    {
        _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{N(size)}\" text-anchor=\"{Attr(anchor)}\" fill=\"{Attr(fill)}\"");
        if (bold)
        {
            _svg.Append(" font-weight=\"bold\"");
        }
        if (rotate != 0)
        {
            _svg.Append(CultureInfo.InvariantCulture, $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"");
        }
        _svg.Append('>').Append(SecurityElement.Escape(text)).Append("</text>\n");
        return this;
    }

    /// <summary>Opens a group; <paramref name="title"/> becomes its tooltip in a browser.</summary>
    public SvgWriter BeginGroup(string? title = null)
    {
        _svg.Append("<g>");
        if (title is not null)
        {
            _svg.Append("<title>").Append(SecurityElement.Escape(title)).Append("</title>");
        }
        _svg.Append('\n');
        _openGroups++;
        return this;
    }

    public SvgWriter EndGroup()
    {
        if (_openGroups == 0)
        {
            throw new InvalidOperationException("EndGroup without BeginGroup");
        }
        _openGroups--;
        _svg.Append("</g>\n");
        return this;
    }

    /// <summary>The document, closed.</summary>
    public override string ToString()
    {
        if (_openGroups != 0)
        {
            throw new InvalidOperationException($"{_openGroups} group(s) still open");
        }
        return _svg + "</svg>\n";
    }

    private void Optional(string name, double value, double defaultValue)
    {
        if (value != defaultValue)
        {
            _svg.Append(CultureInfo.InvariantCulture, $" {name}=\"{N(value)}\"");
        }
    }

    private static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Attr(string value) => SecurityElement.Escape(value);
}
