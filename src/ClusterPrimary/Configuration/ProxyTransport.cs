namespace ClusterHost.Primary.Configuration;

/// <summary>How the proxy mode's front reaches the workers.</summary>
internal enum ProxyTransport
{
    /// <summary>Unix domain sockets in a private runtime directory (mode 0700) of the primary.</summary>
    Unix,

    /// <summary>Loopback TCP ports (127.0.0.1) the primary reserves, one per worker slot.</summary>
    Tcp,
}
