using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using ClusterHost.Relay;
using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.SignalR;

/// <summary>
/// SignalR's hub lifetime manager under the cluster: sends to all, to groups, to users and to
/// connections reach the clients of every worker, through the primary's relay
/// (<see cref="RelayClient"/>), with the Redis backplane's semantics: at most once, in order per
/// sender; group actions for a connection of another worker wait for its owner's acknowledgement;
/// a client-result invocation goes to the connection's owner and its answer comes back. Each
/// message is serialized once for every protocol the app registered
/// (<see cref="HubMessageSerializer{THub}"/>) and written as is by every worker.
/// </summary>
/// <typeparam name="THub">The hub.</typeparam>
internal sealed class ClusterHubLifetimeManager<THub> : HubLifetimeManager<THub>, IRelayHandler
    where THub : Hub
{
    private static readonly string HubName = typeof(THub).FullName ?? typeof(THub).Name;

    private readonly HubConnectionStore _connections = new();
    private readonly ConcurrentDictionary<string, HubConnectionStore> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubConnectionStore> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _groupsOfConnection = new(StringComparer.Ordinal);
    private readonly Lock _groupsGate = new();
    private readonly PendingInvocations _invocations = new();
    private readonly ConcurrentDictionary<string, (string ConnectionId, int Origin)> _proxied = new(StringComparer.Ordinal);
    private readonly GroupActionAcks _acks;
    private readonly RelayClient _relay;
    private readonly HubMessageSerializer<THub> _serializer;
    private readonly IHubProtocolResolver _protocols;
    private readonly ILogger _logger;
    private readonly string _invocationPrefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)) + ":";
    private long _lastInvocationId;

    public ClusterHubLifetimeManager(
        RelayClient relay,
        IHubProtocolResolver protocols,
        IOptions<HubOptions> globalHubOptions,
        IOptions<HubOptions<THub>> hubOptions,
        TimeProvider time,
        ILogger<ClusterHubLifetimeManager<THub>> logger)
    {
        _relay = relay;
        _protocols = protocols;
        _serializer = new HubMessageSerializer<THub>(protocols, globalHubOptions, hubOptions);
        _acks = new GroupActionAcks(time);
        _logger = logger;
        relay.Register(HubName, this);
    }

    /// <inheritdoc />
    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections.Add(connection);
        if (connection.UserIdentifier is { } user)
        {
            lock (_groupsGate)
            {
                _users.GetOrAdd(user, _ => new HubConnectionStore()).Add(connection);
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _connections.Remove(connection);
        lock (_groupsGate)
        {
            if (connection.UserIdentifier is { } user)
            {
                RemoveFrom(_users, user, connection);
            }
            if (_groupsOfConnection.TryRemove(connection.ConnectionId, out var groups))
            {
                foreach (var group in groups)
                {
                    RemoveFrom(_groups, group, connection);
                }
            }
        }
        _invocations.FailConnection(connection.ConnectionId, () => new IOException($"Connection '{connection.ConnectionId}' disconnected."));
        foreach (var (invocationId, proxied) in _proxied)
        {
            if (proxied.ConnectionId == connection.ConnectionId && _proxied.TryRemove(invocationId, out _))
            {
                ForwardCompletion(proxied.Origin, connection, CompletionMessage.WithError(invocationId, "Connection disconnected."));
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAllExceptAsync(methodName, args, [], cancellationToken);

    /// <inheritdoc />
    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        var serialized = Serialize(methodName, args);
        Publish(RelayMessageKind.All, writer =>
        {
            RelayPayload.WriteStrings(writer, excludedConnectionIds);
            RelayPayload.WriteMessages(writer, serialized);
        });
        return WriteAsync(_connections, new SerializedHubMessage(serialized), excludedConnectionIds);
    }

    /// <inheritdoc />
    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendConnectionsAsync([connectionId], methodName, args, cancellationToken);

    /// <inheritdoc />
    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        var message = new InvocationMessage(methodName, args);
        List<Task>? writes = null;
        List<string>? remote = null;
        foreach (var id in connectionIds)
        {
            if (_connections[id] is { } local)
            {
                Track(ref writes, local.WriteAsync(message, cancellationToken));
            }
            else
            {
                (remote ??= []).Add(id);
            }
        }
        if (remote is not null)
        {
            var serialized = _serializer.Serialize(message);
            Publish(RelayMessageKind.Connections, writer =>
            {
                RelayPayload.WriteStrings(writer, remote);
                RelayPayload.WriteMessages(writer, serialized);
            });
        }
        return writes is null ? Task.CompletedTask : Task.WhenAll(writes);
    }

    /// <inheritdoc />
    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendGroupsCoreAsync([groupName], methodName, args, []);

    /// <inheritdoc />
    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendGroupsCoreAsync(groupNames, methodName, args, []);

    /// <inheritdoc />
    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendGroupsCoreAsync([groupName], methodName, args, excludedConnectionIds);

    private Task SendGroupsCoreAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, IReadOnlyList<string> excluded)
    {
        ArgumentNullException.ThrowIfNull(groupNames);
        var serialized = Serialize(methodName, args);
        Publish(RelayMessageKind.Groups, writer =>
        {
            RelayPayload.WriteStrings(writer, groupNames);
            RelayPayload.WriteStrings(writer, excluded);
            RelayPayload.WriteMessages(writer, serialized);
        });
        return WriteToGroupsAsync(groupNames, new SerializedHubMessage(serialized), excluded);
    }

    /// <inheritdoc />
    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendUsersAsync([userId], methodName, args, cancellationToken);

    /// <inheritdoc />
    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var serialized = Serialize(methodName, args);
        Publish(RelayMessageKind.Users, writer =>
        {
            RelayPayload.WriteStrings(writer, userIds);
            RelayPayload.WriteMessages(writer, serialized);
        });
        return WriteToUsersAsync(userIds, new SerializedHubMessage(serialized));
    }

    /// <inheritdoc />
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        GroupActionAsync(connectionId, groupName, add: true, cancellationToken);

    /// <inheritdoc />
    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        GroupActionAsync(connectionId, groupName, add: false, cancellationToken);

    private async Task GroupActionAsync(string connectionId, string groupName, bool add, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(groupName);
        if (_connections[connectionId] is { } local)
        {
            ApplyGroupAction(local, groupName, add);
            return;
        }

        // Another worker's connection: its owner does it and acknowledges.
        var (ackId, acknowledged) = _acks.Create();
        var sent = Publish(RelayMessageKind.GroupAction, writer =>
        {
            writer.Write(ackId);
            writer.Write(add);
            writer.Write(connectionId);
            writer.Write(groupName);
        });
        if (!sent)
        {
            _acks.Cancel(ackId);
            throw new IOException($"Connection '{connectionId}' is not on this worker, and the cluster's SignalR relay cannot be reached.");
        }
        await acknowledged.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        var invocationId = _invocationPrefix + Interlocked.Increment(ref _lastInvocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = new InvocationMessage(invocationId, methodName, args);
        var pending = _invocations.Add<T>(invocationId, connectionId, cancellationToken);
        try
        {
            if (_connections[connectionId] is { } local)
            {
                await local.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var serialized = _serializer.Serialize(message);
                var sent = Publish(RelayMessageKind.Invoke, writer =>
                {
                    writer.Write(invocationId);
                    writer.Write(connectionId);
                    RelayPayload.WriteMessages(writer, serialized);
                });
                if (!sent)
                {
                    throw new IOException($"Connection '{connectionId}' is not on this worker, and the cluster's SignalR relay cannot be reached.");
                }
            }
        }
        catch
        {
            _invocations.TryRemove(invocationId, out _);
            throw;
        }
        return await pending.Task.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result)
    {
        if (_invocations.TryGet(result.InvocationId!, out var pending) && pending.ConnectionId == connectionId)
        {
            _invocations.TryRemove(result.InvocationId!, out _);
            pending.Complete(result);
        }
        else if (_proxied.TryRemove(result.InvocationId!, out var proxied) && _connections[connectionId] is { } connection)
        {
            ForwardCompletion(proxied.Origin, connection, result);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override bool TryGetReturnType(string invocationId, out Type type)
    {
        if (_invocations.TryGet(invocationId, out var pending))
        {
            type = pending.ResultType;
            return true;
        }
        if (_proxied.ContainsKey(invocationId))
        {
            // Read as raw bytes, forwarded to the invoking worker, which reads them as its type.
            type = typeof(RawResult);
            return true;
        }
        type = null!;
        return false;
    }

    /// <summary>A message another worker published.</summary>
    async Task IRelayHandler.OnRelayMessageAsync(int sender, RelayMessageKind kind, BinaryReader reader)
    {
        switch (kind)
        {
            case RelayMessageKind.All:
            {
                var excluded = RelayPayload.ReadStrings(reader);
                await WriteAsync(_connections, RelayPayload.ReadMessages(reader), excluded).ConfigureAwait(false);
                break;
            }
            case RelayMessageKind.Connections:
            {
                var ids = RelayPayload.ReadStrings(reader);
                var message = RelayPayload.ReadMessages(reader);
                List<Task>? writes = null;
                foreach (var id in ids)
                {
                    if (_connections[id] is { } connection)
                    {
                        Track(ref writes, connection.WriteAsync(message));
                    }
                }
                if (writes is not null)
                {
                    await Task.WhenAll(writes).ConfigureAwait(false);
                }
                break;
            }
            case RelayMessageKind.Groups:
            {
                var groups = RelayPayload.ReadStrings(reader);
                var excluded = RelayPayload.ReadStrings(reader);
                await WriteToGroupsAsync(groups, RelayPayload.ReadMessages(reader), excluded).ConfigureAwait(false);
                break;
            }
            case RelayMessageKind.Users:
            {
                var users = RelayPayload.ReadStrings(reader);
                await WriteToUsersAsync(users, RelayPayload.ReadMessages(reader)).ConfigureAwait(false);
                break;
            }
            case RelayMessageKind.GroupAction:
            {
                var ackId = reader.ReadInt32();
                var add = reader.ReadBoolean();
                var connectionId = reader.ReadString();
                var group = reader.ReadString();
                if (_connections[connectionId] is { } connection)
                {
                    ApplyGroupAction(connection, group, add);
                    Publish(RelayMessageKind.Ack, writer => writer.Write(ackId), sender);
                }
                break;
            }
            case RelayMessageKind.Ack:
                _acks.Complete(reader.ReadInt32());
                break;
            case RelayMessageKind.Invoke:
            {
                var invocationId = reader.ReadString();
                var connectionId = reader.ReadString();
                var message = RelayPayload.ReadMessages(reader);
                if (_connections[connectionId] is { } connection)
                {
                    _proxied[invocationId] = (connectionId, sender);
                    await connection.WriteAsync(message).ConfigureAwait(false);
                }
                break;
            }
            case RelayMessageKind.Completion:
            {
                var protocolName = reader.ReadString();
                var bytes = RelayPayload.ReadBytes(reader);
                CompleteFromOtherWorker(protocolName, bytes);
                break;
            }
            default:
                break; // a kind from a newer worker
        }
    }

    private void CompleteFromOtherWorker(string protocolName, byte[] bytes)
    {
        if (_protocols.GetProtocol(protocolName, null) is not { } protocol)
        {
            Log.RelayUnknownProtocol(_logger, _relay.WorkerId, protocolName);
            return;
        }
        var sequence = new ReadOnlySequence<byte>(bytes);
        if (protocol.TryParseMessage(ref sequence, _invocations, out var message) && message is CompletionMessage completion
            && _invocations.TryRemove(completion.InvocationId!, out var pending))
        {
            pending.Complete(completion);
        }
    }

    // The answer of a client of this worker to another worker's invocation, in the client's protocol.
    private void ForwardCompletion(int origin, HubConnectionContext connection, CompletionMessage completion)
    {
        var bytes = connection.Protocol.GetMessageBytes(completion);
        Publish(RelayMessageKind.Completion, writer =>
        {
            writer.Write(connection.Protocol.Name);
            RelayPayload.WriteBytes(writer, bytes.Span);
        }, origin);
    }

    private void ApplyGroupAction(HubConnectionContext connection, string group, bool add)
    {
        lock (_groupsGate)
        {
            var groups = _groupsOfConnection.GetOrAdd(connection.ConnectionId, _ => new HashSet<string>(StringComparer.Ordinal));
            if (add)
            {
                if (groups.Add(group))
                {
                    _groups.GetOrAdd(group, _ => new HubConnectionStore()).Add(connection);
                }
            }
            else if (groups.Remove(group))
            {
                RemoveFrom(_groups, group, connection);
            }
        }
    }

    // Under _groupsGate.
    private static void RemoveFrom(ConcurrentDictionary<string, HubConnectionStore> stores, string key, HubConnectionContext connection)
    {
        if (stores.TryGetValue(key, out var store))
        {
            store.Remove(connection);
            if (store.Count == 0)
            {
                stores.TryRemove(key, out _);
            }
        }
    }

    private IReadOnlyList<SerializedMessage> Serialize(string methodName, object?[] args) =>
        _serializer.Serialize(new InvocationMessage(methodName, args));

    private bool Publish(RelayMessageKind kind, Action<BinaryWriter> write, int target = RelayFrame.Everyone)
    {
        var (writer, buffer) = RelayPayload.Start(kind, HubName);
        using (writer)
        {
            write(writer);
            writer.Flush();
        }
        var sent = _relay.Send(target, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (!sent)
        {
            Log.RelayMessageNotSent(_logger, _relay.WorkerId, kind);
        }
        return sent;
    }

    private Task WriteToGroupsAsync(IReadOnlyList<string> groupNames, SerializedHubMessage message, IReadOnlyList<string> excluded)
    {
        List<Task>? writes = null;
        foreach (var group in groupNames)
        {
            if (group is not null && _groups.TryGetValue(group, out var store))
            {
                Track(ref writes, WriteAsync(store, message, excluded));
            }
        }
        return writes is null ? Task.CompletedTask : Task.WhenAll(writes);
    }

    private Task WriteToUsersAsync(IReadOnlyList<string> userIds, SerializedHubMessage message)
    {
        List<Task>? writes = null;
        foreach (var user in userIds)
        {
            if (user is not null && _users.TryGetValue(user, out var store))
            {
                Track(ref writes, WriteAsync(store, message, []));
            }
        }
        return writes is null ? Task.CompletedTask : Task.WhenAll(writes);
    }

    // Starts every write at once and waits only for those that did not complete at once, as SignalR's own manager does.
    private static Task WriteAsync(HubConnectionStore connections, SerializedHubMessage message, IReadOnlyList<string> excluded)
    {
        List<Task>? writes = null;
        foreach (var connection in connections)
        {
            if (excluded.Count > 0 && excluded.Contains(connection.ConnectionId))
            {
                continue;
            }
            Track(ref writes, connection.WriteAsync(message));
        }
        return writes is null ? Task.CompletedTask : Task.WhenAll(writes);
    }

    private static void Track(ref List<Task>? writes, ValueTask write)
    {
        if (!write.IsCompletedSuccessfully)
        {
            (writes ??= []).Add(write.AsTask());
        }
    }

    private static void Track(ref List<Task>? writes, Task write)
    {
        if (!write.IsCompletedSuccessfully)
        {
            (writes ??= []).Add(write);
        }
    }
}
