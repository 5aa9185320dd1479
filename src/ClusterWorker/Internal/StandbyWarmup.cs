using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ClusterHost.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// What a standby (the primary's <c>--standby</c>) runs before it waits for a slot: a throw-away
/// web host, built the way <c>WebApplication.CreateBuilder</c> builds an app's, that serves a few
/// requests on a loopback port and stops. The runtime then has the framework's types loaded and its
/// start-up and request code compiled, which is most of what a cold worker spends before its first
/// response. Then this assembly's own methods are compiled and the control messages serialized
/// once: ClusterHost's part of a worker's start, which is most of what remains beside the app's
/// own start. Called by the startup hook, by reflection.
/// </summary>
/// <remarks>
/// Nothing of the app's or the environment's configuration reaches it: its configuration sources
/// are cleared (so no endpoint, connection string or logging setting of the app applies), hosting
/// startups are off, and it logs nothing.
/// </remarks>
internal static class StandbyWarmup
{
    private static readonly string[] Paths = ["/", "/item/1", "/missing"];

    public static void Run()
    {
        WarmWebHost();
        WarmControlMessages();
        CompileOwnMethods();
    }

    private static void WarmControlMessages()
    {
        ControlMessage[] messages = [new HelloMessage("0", 0), new HeartbeatMessage(0), new ReadyMessage()];
        foreach (var message in messages)
        {
            var line = JsonSerializer.Serialize(message, ControlJsonContext.Default.ControlMessage);
            JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlMessage);
        }
    }

    /// <summary>
    /// JIT-compiles every non-generic method with a body in this assembly (ClusterHost's worker
    /// code is not ReadyToRun). Compiling runs none of it: no static constructor that reads the
    /// environment exists here, and the environment is set before any of it runs.
    /// </summary>
    private static void CompileOwnMethods()
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in typeof(StandbyWarmup).Assembly.GetTypes())
        {
            if (type.IsGenericTypeDefinition || type.IsInterface)
            {
                continue;
            }
            foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                if (method.IsAbstract || method.ContainsGenericParameters || method.GetMethodBody() is null)
                {
                    continue;
                }
                try
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or BadImageFormatException or TypeLoadException or FileNotFoundException)
                {
                    // A method the runtime cannot compile ahead (one whose types are missing here): it compiles when called.
                }
            }
        }
    }

    private static void WarmWebHost()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = ["--" + WebHostDefaults.PreventHostingStartupKey + "=true"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        using var app = builder.Build();
        app.MapGet("/", () => "warm");
        app.MapGet("/item/{id:int}", (int id, HttpContext context) => Results.Json(new { id, path = context.Request.Path.Value }));
        app.StartAsync().GetAwaiter().GetResult();
        try
        {
            var port = new Uri(app.Urls.First()).Port;
            foreach (var path in Paths)
            {
                Get(port, path);
            }
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
        }
    }

    private static void Get(int port, string path)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(IPAddress.Loopback, port);
        socket.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[4096];
        while (socket.Receive(buffer) > 0)
        {
        }
    }
}
