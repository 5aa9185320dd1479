using Microsoft.AspNetCore.SignalR;

namespace ChatRoom;

public sealed class ChatHub : Hub
{
    public Task SendToAll(string text) =>
        Clients.All.SendAsync("Message", Context.UserIdentifier ?? Context.ConnectionId, text);

    public Task JoinGroup(string group) =>
        Groups.AddToGroupAsync(Context.ConnectionId, group);

    public Task LeaveGroup(string group) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, group);

    public Task SendToGroup(string group, string text) =>
        Clients.Group(group).SendAsync("Message", Context.UserIdentifier ?? Context.ConnectionId, text);

    public Task SendToUser(string user, string text) =>
        Clients.User(user).SendAsync("Message", Context.UserIdentifier ?? Context.ConnectionId, text);

    public Task SendToConnection(string connectionId, string text) =>
        Clients.Client(connectionId).SendAsync("Message", Context.UserIdentifier ?? Context.ConnectionId, text);

    // Adds another connection (possibly on another server) to a group.
    public Task AddToGroup(string connectionId, string group) =>
        Groups.AddToGroupAsync(connectionId, group);

    public string WhoAmI() => Context.ConnectionId;

    // Which server process holds this connection (for a diagnostics page).
    public int ServerProcessId() => Environment.ProcessId;

    // Asks one client for a value and returns its answer (a client result).
    public async Task<string> AskClient(string connectionId, string question) =>
        await Clients.Client(connectionId).InvokeAsync<string>("Answer", question, Context.ConnectionAborted);
}
