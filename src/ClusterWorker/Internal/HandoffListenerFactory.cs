using System.Net;
using System.Runtime.Versioning;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Kestrel's transport for <see cref="HandoffEndPoint"/>s, beside its socket transport (which
/// still binds every other endpoint): a listener per handed-off endpoint, whose connections run
/// on Kestrel's socket transport with the app's <see cref="SocketTransportOptions"/>.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class HandoffListenerFactory(
    HandoffReceiver receiver, ConnectionTracker connections, IOptions<SocketTransportOptions> options, ILoggerFactory loggerFactory)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    // Kestrel's socket transport logs under this category.
    private const string SocketsLogCategory = "Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets";

    public bool CanBind(EndPoint endpoint) => endpoint is HandoffEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not HandoffEndPoint handoff)
        {
            throw new NotSupportedException($"{endpoint} is not a handed-off endpoint.");
        }
        var transport = options.Value;
        var factoryOptions = new SocketConnectionFactoryOptions
        {
            IOQueueCount = transport.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = transport.WaitForDataBeforeAllocatingBuffer,
            MaxReadBufferSize = transport.MaxReadBufferSize,
            MaxWriteBufferSize = transport.MaxWriteBufferSize,
            UnsafePreferInlineScheduling = transport.UnsafePreferInlineScheduling,
        };
        var listener = new HandoffConnectionListener(
            handoff, receiver, new SocketConnectionContextFactory(factoryOptions, loggerFactory.CreateLogger(SocketsLogCategory)), transport.NoDelay, connections);
        receiver.Register(listener);
        return ValueTask.FromResult<IConnectionListener>(listener);
    }
}
