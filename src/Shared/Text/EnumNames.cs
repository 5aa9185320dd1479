using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;

namespace ClusterHost.Text;

/// <summary>
/// The names users see and type for the members of <typeparamref name="TEnum"/>: the member name in
/// kebab case (<c>GaveUp</c> is <c>gave-up</c>, <c>PowerOfTwo</c> is <c>power-of-two</c>), or the
/// <see cref="EnumMemberAttribute.Value"/> a member carries where the kebab form would read wrong
/// (<c>ReusePort</c> is <c>reuseport</c>). One mechanism for command-line values, help text, error
/// messages, log text and metric labels; computed once per enum type.
/// </summary>
internal static class EnumNames<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> NameByValue =
        Enum.GetValues<TEnum>().Distinct().ToFrozenDictionary(value => value, NameOf);

    private static readonly FrozenDictionary<string, TEnum> ValueByName =
        NameByValue.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every name, in the order of the members' values (declaration order for ours), for help text and errors.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<TEnum>().Distinct().Select(value => NameByValue[value])];

    /// <summary>The name of <paramref name="value"/>; throws for a value that is not a declared member.</summary>
    public static string ToName(TEnum value) =>
        NameByValue.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, null);

    /// <summary>Parses a name a user typed: case-insensitive, surrounding spaces ignored, no numbers.</summary>
    public static bool TryParse(string? value, out TEnum result)
    {
        if (value is not null && ValueByName.TryGetValue(value.Trim(), out result))
        {
            return true;
        }
        result = default;
        return false;
    }

    private static string NameOf(TEnum value)
    {
        var member = value.ToString();
        var declared = typeof(TEnum).GetField(member, BindingFlags.Public | BindingFlags.Static)?.GetCustomAttribute<EnumMemberAttribute>()?.Value;
        return declared ?? ToKebabCase(member);
    }

    private static string ToKebabCase(string member)
    {
        var text = new StringBuilder(member.Length + 4);
        foreach (var c in member)
        {
            if (char.IsAsciiLetterUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
