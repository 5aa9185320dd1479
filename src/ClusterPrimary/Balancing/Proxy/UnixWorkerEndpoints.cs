using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ClusterHost.Control;
using ClusterHost.Primary.Supervision;

namespace ClusterHost.Primary.Balancing.Proxy;

/// <summary>
/// Workers listen on Unix sockets in the primary's <see cref="WorkerRuntimeDirectory"/>, one per
/// launch: <c>w{slot}-{generation}.sock</c>. The destination address is
/// <c>http://w{slot}-{generation}/</c>; the proxy's connect callback maps that host name back to
/// the socket. Beside it each launch listens for HTTP/2 with prior knowledge on
/// <c>w{slot}-{generation}-h2.sock</c> (<c>http://w{slot}-{generation}-h2/</c>), for gRPC.
/// </summary>
internal sealed partial class UnixWorkerEndpoints(WorkerRuntimeDirectory directory) : IWorkerEndpoints
{
    /// <summary>The longest socket file name: slot up to 4 digits, generation up to 19.</summary>
    internal const int LongestSocketName = 33; // "w1023-9223372036854775807-h2.sock"

    private const string Http2Suffix = "-h2";

    public string Directory => directory.Path;

    public string Description => $"unix sockets in {directory.Path}";

    public bool NeedsConnectCallback => true;

    public WorkerDestination Assign(WorkerInstance instance, IDictionary<string, string?> environment)
    {
        var host = WorkerDestination.IdOf(instance);
        var socket = SocketPath(host);
        var http2 = SocketPath(host + Http2Suffix);
        File.Delete(socket); // never there in practice: generations only grow
        File.Delete(http2);
        environment[WorkerEnvironmentVariables.ListenMode] = WorkerListenModes.Unix;
        environment[WorkerEnvironmentVariables.Listen] = socket;
        environment[WorkerEnvironmentVariables.Http2Listen] = http2;
        return new WorkerDestination(instance, host, $"http://{host}/");
    }

    // Connections already made go on; a SIGKILLed worker leaves its socket file behind.
    public void Release(WorkerDestination destination)
    {
        File.Delete(SocketPath(destination.DestinationId));
        File.Delete(SocketPath(destination.DestinationId + Http2Suffix));
    }

    public string? Http2Address(string destinationAddress) =>
        Uri.TryCreate(destinationAddress, UriKind.Absolute, out var uri) && HostPattern().IsMatch(uri.Host) && !uri.Host.EndsWith(Http2Suffix, StringComparison.Ordinal)
            ? $"http://{uri.Host}{Http2Suffix}/"
            : null;

    public EndPoint? Resolve(string host) =>
        // Only names this class hands out become a path.
        HostPattern().IsMatch(host) ? new UnixDomainSocketEndPoint(SocketPath(host)) : null;

    private string SocketPath(string host) => Path.Combine(directory.Path, host + ".sock");

    public void Dispose() => directory.Dispose();

    [GeneratedRegex(@"^w\d{1,4}-\d{1,19}(-h2)?$")]
    private static partial Regex HostPattern();
}
