var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/pid", () => Environment.ProcessId);

app.Run();
