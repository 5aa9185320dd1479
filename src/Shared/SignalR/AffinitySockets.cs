using System.Globalization;

namespace ClusterHost.SignalR;

/// <summary>
/// Where each launch listens for the SignalR requests other workers forward to it: one Unix
/// socket per launch, <c>a{slot}-{generation}.sock</c>, in the primary's private directory
/// (mode 0700). Per launch, not per slot: during a replacement the old and the new process of a
/// slot both listen, and a token always reaches the process that issued it, or nothing.
/// </summary>
internal static class AffinitySockets
{
    /// <summary>The longest socket file name: slot up to 4 digits, generation up to 19.</summary>
    public const int LongestName = 30; // "a1023-9223372036854775807.sock"

    private const string Extension = ".sock";

    /// <summary>The socket's name without its extension, <c>a{slot}-{generation}</c>: also a valid host name.</summary>
    public static string NameOf(ConnectionTokenTag tag) => string.Create(CultureInfo.InvariantCulture, $"a{tag.WorkerId}-{tag.Generation}");

    /// <summary>The socket of the launch <paramref name="tag"/> names.</summary>
    public static string PathOf(string directory, ConnectionTokenTag tag) => Path.Combine(directory, NameOf(tag) + Extension);

    /// <summary>The socket of a name <see cref="NameOf"/> gave.</summary>
    public static string PathOf(string directory, string name) => Path.Combine(directory, name + Extension);
}
