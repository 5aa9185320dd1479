namespace ClusterHost.Primary.Platform;

/// <summary>
/// <c>net.ipv4.tcp_migrate_req</c> (Linux 5.14+, per network namespace): when a SO_REUSEPORT
/// listener closes, connections still queued on it move to another listener of the group
/// instead of being reset. That is what makes draining a reuseport worker loss-free.
/// </summary>
internal static class TcpMigrateRequest
{
    private const string Path = "/proc/sys/net/ipv4/tcp_migrate_req";

    /// <summary>Turns it on where it is off and we may; says what happened.</summary>
    public static TcpMigrateRequestStatus Enable()
    {
        if (!File.Exists(Path))
        {
            return TcpMigrateRequestStatus.Unsupported;
        }
        try
        {
            if (File.ReadAllText(Path).Trim() == "1")
            {
                return TcpMigrateRequestStatus.AlreadyOn;
            }
            File.WriteAllText(Path, "1");
            return TcpMigrateRequestStatus.TurnedOn;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return TcpMigrateRequestStatus.NotPermitted;
        }
    }
}
