using ClusterHost.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.UseClusterWorker();
var app = builder.Build();

app.MapGet("/worker", (ClusterWorkerInfo worker) => new
{
    worker.IsWorker,
    worker.WorkerId,
    worker.WorkerCount,
    Pid = Environment.ProcessId,
});

app.Run();
