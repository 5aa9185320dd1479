// A background service on the generic host: it uses the ASP.NET Core framework but starts no web server.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddHostedService<Ticker>();
builder.Build().Run();

sealed class Ticker(ILogger<Ticker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Tick");
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
