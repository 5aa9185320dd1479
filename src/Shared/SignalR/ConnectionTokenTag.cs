using System.Globalization;

namespace ClusterHost.SignalR;

/// <summary>
/// The launch that issued a SignalR connection token, carried in the token itself:
/// <c>ch{slot}-{generation}.{token}</c>. A worker tags the tokens its negotiate responses hand out;
/// every later request of that connection carries the tagged token in <c>id=</c>, so whoever
/// receives it (the proxy front, or another worker) knows the owner without shared state, and
/// the owner strips the tag before SignalR sees it.
/// </summary>
/// <remarks>
/// SignalR's tokens are base64url (no '.'); the tag is URL-safe (unreserved characters only), so
/// clients pass it through unescaped. The shape <c>ch</c>, digits, '-', digits, '.' is what tells a
/// tagged token from an app's own <c>id=</c> value.
/// </remarks>
internal readonly record struct ConnectionTokenTag(int WorkerId, long Generation)
{
    private const string Prefix = "ch";
    private const string IdParameter = "id=";

    /// <summary>The tag as it precedes a token: <c>ch{slot}-{generation}.</c></summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{WorkerId}-{Generation}.");

    /// <summary><paramref name="token"/> with this tag in front.</summary>
    public string Apply(string token) => ToString() + token;

    /// <summary>Splits a tagged token into its tag and SignalR's own token; false for any other value.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out ConnectionTokenTag tag, out ReadOnlySpan<char> token)
    {
        tag = default;
        token = default;
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = value[Prefix.Length..];
        var dash = rest.IndexOf('-');
        var dot = rest.IndexOf('.');
        if (dash < 1 || dot < dash + 2 || dot == rest.Length - 1
            || !IsDigits(rest[..dash]) || !IsDigits(rest[(dash + 1)..dot])
            || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var slot)
            || !long.TryParse(rest[(dash + 1)..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }
        var inner = rest[(dot + 1)..];
        foreach (var c in inner)
        {
            if (!IsBase64Url(c))
            {
                return false;
            }
        }
        tag = new ConnectionTokenTag(slot, generation);
        token = inner;
        return true;
    }

    /// <summary>
    /// Finds a tagged token in the <c>id</c> parameter of a raw query string (<c>?a=1&amp;id=ch0-3.xyz</c>).
    /// Returns the tag and where the tag's text lies in <paramref name="query"/>, so the owner can cut it out.
    /// </summary>
    public static bool TryFind(string? query, out ConnectionTokenTag tag, out int tagStart, out int tagLength)
    {
        tag = default;
        tagStart = 0;
        tagLength = 0;
        if (string.IsNullOrEmpty(query))
        {
            return false;
        }
        var search = 0;
        while (search < query.Length)
        {
            var at = query.IndexOf(IdParameter, search, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }
            search = at + IdParameter.Length;
            if (at > 0 && query[at - 1] is not ('?' or '&'))
            {
                continue; // "userid=", say
            }
            var end = query.IndexOf('&', search);
            var value = query.AsSpan(search, (end < 0 ? query.Length : end) - search);
            if (TryParse(value, out tag, out var token))
            {
                tagStart = search;
                tagLength = value.Length - token.Length;
                return true;
            }
        }
        return false;
    }

    /// <summary><paramref name="query"/> with the tag <see cref="TryFind"/> located cut out.</summary>
    public static string Strip(string query, int tagStart, int tagLength) => query.Remove(tagStart, tagLength);

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return !text.IsEmpty;
    }

    private static bool IsBase64Url(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
}
