using ClusterHost.Worker;
using SampleApp;

var builder = WebApplication.CreateBuilder(args);
builder.UseClusterWorker();
builder.Services.AddOptions<SampleAppOptions>()
    .Bind(builder.Configuration.GetSection(SampleAppOptions.SectionName))
    .ValidateOnStart();
var faults = builder.Configuration.GetSection(SampleAppOptions.SectionName).Get<SampleAppOptions>() ?? new SampleAppOptions();
if (faults.EnableFaults && faults.HangAtStartup)
{
    // Registered after UseClusterWorker(): the worker reaches the primary, then never listens.
    builder.Services.AddHostedService<SampleApp.Faults.StartupHang>();
}

var app = builder.Build();
var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SampleAppOptions>>().Value;
if (options.EnableFaults && options.FailAtStartup)
{
    // Lets tests and demos show what the primary does with an app that cannot start.
    throw new InvalidOperationException("SampleApp:FailAtStartup is set; failing at startup on purpose.");
}

var worker = app.Services.GetRequiredService<ClusterWorkerInfo>();
app.UseWebSockets();
app.MapGet("/", (HttpContext context) => new WorkerAnswer(worker.WorkerId, Environment.ProcessId, context.Connection.Id));
app.MapProxyDemoEndpoints(worker);
if (options.EnableFaults)
{
    app.MapFaultEndpoints(worker);
}

app.Run();
