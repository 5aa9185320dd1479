using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// The data-protection key ring the workers of an app share (<c>&lt;state dir&gt;/keys/&lt;app&gt;</c>).
/// The primary makes sure it holds an active key before any worker starts: were it empty, the
/// workers would each create one at their first request, at nearly the same moment, and until
/// their key-ring caches refresh one worker could not read what another protected (see
/// dotnet/aspnetcore#52678). Keys made ahead of time, as data protection rotates them, need no help.
/// </summary>
internal static class SharedKeyRing
{
    /// <summary>Creates an active key in <paramref name="keyDirectory"/> unless it holds one. Returns a problem, or null.</summary>
    public static string? EnsureActiveKey(string keyDirectory)
    {
        try
        {
            // Protecting anything loads the key ring, and creates and stores a key if none is active.
            DataProtectionProvider.Create(new DirectoryInfo(keyDirectory))
                .CreateProtector("ClusterHost.SharedKeyRing")
                .Protect([0]);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return $"'{keyDirectory}' cannot take a data-protection key: {e.Message}";
        }
    }
}
