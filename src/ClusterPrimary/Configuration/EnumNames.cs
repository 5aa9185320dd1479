namespace ClusterHost.Primary.Configuration;

/// <summary>
/// What every <c>*Names</c> class does with its enum's names, given its <c>ToName</c>: lists them
/// (for help and errors) and parses what a user typed (case-insensitive, surrounding spaces ignored).
/// </summary>
internal static class EnumNames
{
    public static IReadOnlyList<string> All<TEnum>(Func<TEnum, string> toName)
        where TEnum : struct, Enum => [.. Enum.GetValues<TEnum>().Select(toName)];

    public static bool TryParse<TEnum>(string value, Func<TEnum, string> toName, out TEnum result)
        where TEnum : struct, Enum
    {
        var typed = value.Trim();
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(toName(candidate), typed, StringComparison.OrdinalIgnoreCase))
            {
                result = candidate;
                return true;
            }
        }
        result = default;
        return false;
    }
}
