using System.Globalization;
using System.Text.RegularExpressions;

namespace ClusterHost.Primary.Configuration;

/// <summary>Sizes such as <c>512MB</c>, <c>2GB</c>, <c>800M</c>, <c>1048576</c> (bytes); units are powers of 1024.</summary>
internal static partial class ByteSize
{
    public const long Minimum = 1024 * 1024;

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        var multiplier = char.ToUpperInvariant(match.Groups["unit"].Value.FirstOrDefault()) switch
        {
            'K' => 1024d,
            'M' => 1024d * 1024,
            'G' => 1024d * 1024 * 1024,
            'T' => 1024d * 1024 * 1024 * 1024,
            _ => 1d,
        };
        var value = number * multiplier;
        if (value < Minimum || value > long.MaxValue / 2)
        {
            return false;
        }
        bytes = (long)value;
        return true;
    }

    public static string Format(long bytes) => bytes >= 1024L * 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024d * 1024 * 1024):0.#} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024d * 1024):0} MB");

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<unit>[KMGT]i?B?|B)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
