using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace ChatRoom;

/// <summary>Stands for a backplane the app chose itself (Redis, Azure SignalR, a custom one): SignalR's in-memory manager under another name.</summary>
public sealed class OwnHubLifetimeManager<THub>(ILogger<DefaultHubLifetimeManager<THub>> logger)
    : DefaultHubLifetimeManager<THub>(logger) where THub : Hub;
