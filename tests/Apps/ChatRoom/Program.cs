using ChatRoom;
using Microsoft.AspNetCore.SignalR;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSignalR();
// An app with a backplane of its own (as AddStackExchangeRedis() registers one): --ChatRoom:HubLifetimeManager=own.
if (builder.Configuration["ChatRoom:HubLifetimeManager"] == "own")
{
    builder.Services.AddSingleton(typeof(HubLifetimeManager<>), typeof(OwnHubLifetimeManager<>));
}
// Users are named by the "user" query value of the hub URL (a demo room without sign-in).
builder.Services.AddSingleton<IUserIdProvider, QueryUserIdProvider>();

var app = builder.Build();

app.MapGet("/", () => "ChatRoom: connect to /chat");
// Which hub lifetime manager serves the hub (a diagnostics page).
app.MapGet("/hub-lifetime-manager", (HubLifetimeManager<ChatHub> manager) => manager.GetType().Name);
app.MapHub<ChatHub>("/chat");

// Messages sent from outside a hub, e.g. by a background job or an admin page.
app.MapPost("/announce", async (string text, IHubContext<ChatHub> hub) =>
{
    await hub.Clients.All.SendAsync("Message", "server", text);
    return Results.Accepted();
});

app.Run();
