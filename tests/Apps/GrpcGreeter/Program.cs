using GrpcGreeter.Services;

// An ordinary gRPC service, as `dotnet new grpc` makes one: no reference to ClusterHost.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGrpc();

var app = builder.Build();
app.MapGrpcService<GreeterService>();
app.MapGet("/", () => Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
app.Run();
