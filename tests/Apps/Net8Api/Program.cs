var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/pid", () => Environment.ProcessId);
app.MapGet("/runtime", () => Environment.Version.ToString());

app.Run();
