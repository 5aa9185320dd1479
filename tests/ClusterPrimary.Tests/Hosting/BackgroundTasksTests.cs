using ClusterHost.Primary.Hosting;
using ClusterHost.Primary.Tests.TestUtilities;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterHost.Primary.Tests.Hosting;

public sealed class BackgroundTasksTests
{
    private readonly ClusterOutcome _outcome = new();
    private readonly ApplicationLifetime _lifetime = new(NullLogger<ApplicationLifetime>.Instance);
    private readonly RecordingLogger<BackgroundTasks> _logger = new();

    private BackgroundTasks Tasks() => new(_outcome, _lifetime, _logger);

    [Fact]
    public async Task WhenAllAsync_WaitsForEveryTask_AndForTheTasksTheyStart()
    {
        var tasks = Tasks();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var innerDone = false;
        tasks.Run("outer", async () =>
        {
            await release.Task;
            tasks.Run("inner", async () =>
            {
                await Task.Yield();
                innerDone = true;
            });
        });

        var all = tasks.WhenAllAsync();
        Assert.False(all.IsCompleted);
        release.SetResult();
        await all.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(innerDone);
    }

    [Fact]
    public async Task FailingTask_IsLogged_AndTheClusterGoesOn()
    {
        var tasks = Tasks();

        tasks.Run("scaling up", () => throw new InvalidOperationException("boom"));
        await tasks.WhenAllAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var entry = Assert.Single(_logger.Entries);
        Assert.Equal("BackgroundTaskFailed", entry.Event);
        Assert.Equal("Failed scaling up", entry.Message);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.False(_lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(ExitCodes.Success, _outcome.ExitCode);
    }

    [Fact]
    public async Task FailingLoop_IsLogged_AndStopsTheClusterWithExitCodeOne()
    {
        var tasks = Tasks();

        tasks.RunLoop("the worker watch", () => throw new InvalidOperationException("boom"));
        await tasks.WhenAllAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("BackgroundLoopFailed", Assert.Single(_logger.Entries).Event);
        Assert.True(_lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(ExitCodes.Failure, _outcome.ExitCode);
    }
}
