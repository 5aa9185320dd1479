using SampleApp;

// An ordinary ASP.NET Core app: it never references ClusterHost. Under the primary, the worker
// behaviour is injected (startup hook + hosting startup) while this builder is created.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOptions<SampleAppOptions>()
    .Bind(builder.Configuration.GetSection(SampleAppOptions.SectionName))
    .ValidateOnStart();
var faults = builder.Configuration.GetSection(SampleAppOptions.SectionName).Get<SampleAppOptions>() ?? new SampleAppOptions();
if (faults.EnableFaults && faults.HangAtStartup)
{
    // Registered after the injected worker behaviour: the worker reaches the primary, then never listens.
    builder.Services.AddHostedService<SampleApp.Faults.StartupHang>();
}

var app = builder.Build();
var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SampleAppOptions>>().Value;
if (options.EnableFaults && options.FailAtStartup)
{
    // Lets tests and demos show what the primary does with an app that cannot start.
    throw new InvalidOperationException("SampleApp:FailAtStartup is set; failing at startup on purpose.");
}

var workerId = ClusterSlot.WorkerId;
app.UseWebSockets();
app.MapGet("/", (HttpContext context) => new WorkerAnswer(workerId, Environment.ProcessId, context.Connection.Id));
app.MapProxyDemoEndpoints(workerId);
if (options.EnableFaults)
{
    app.MapFaultEndpoints(workerId);
    app.MapWorkEndpoints(workerId);
}

app.Run();
