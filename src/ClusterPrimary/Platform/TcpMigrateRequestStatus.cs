namespace ClusterHost.Primary.Platform;

/// <summary>The outcome of <see cref="TcpMigrateRequest.Enable"/>.</summary>
internal enum TcpMigrateRequestStatus
{
    AlreadyOn,
    TurnedOn,
    NotPermitted,
    Unsupported,
}
