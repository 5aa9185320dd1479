using System.Globalization;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Events;
using ClusterHost.Primary.Status;
using ClusterHost.Primary.Supervision;
using Microsoft.Extensions.Hosting;

namespace ClusterHost.Primary.Operator;

/// <summary>
/// What each operator request does: status (<see cref="ClusterStatusSource"/>), reload
/// (<see cref="ReloadQueue"/>, awaited), scale (<see cref="SlotSupervisor.ScaleToAsync"/>), stop
/// (the host's shutdown, with an optional drain budget). Replies go to <c>reply</c>; the last one
/// is a <see cref="StatusReply"/> or a <see cref="DoneReply"/>.
/// </summary>
internal sealed class OperatorCommands(
    ClusterHostConfig config,
    ClusterStatusSource status,
    ReloadQueue reloads,
    SlotSupervisor supervisor,
    WorkerSlots slots,
    ClusterEventLog events,
    IHostApplicationLifetime lifetime)
{
    /// <summary>The longest a scale waits for its workers: every new worker's start budget, with its restarts and their waits.</summary>
    private TimeSpan ScaleBudget =>
        RestartBackoff.GiveUpBound(config.MaxRestarts, config.StartTimeout, config.RestartDelay) + config.StartTimeout + TimeSpan.FromMinutes(1);

    public async Task ExecuteAsync(OperatorMessage request, Func<OperatorMessage, Task> reply, CancellationToken cancellationToken)
    {
        switch (request)
        {
            case StatusRequest statusRequest:
                await reply(new StatusReply(status.Build(statusRequest.Events))).ConfigureAwait(false);
                break;
            case ReloadRequest:
                await ReloadAsync(reply, cancellationToken).ConfigureAwait(false);
                break;
            case ScaleRequest scale:
                await ScaleAsync(scale, reply, cancellationToken).ConfigureAwait(false);
                break;
            case StopRequest stop:
                await StopAsync(stop, reply).ConfigureAwait(false);
                break;
            default:
                await reply(new DoneReply(false, $"not a request: {request.GetType().Name}")).ConfigureAwait(false);
                break;
        }
    }

    private async Task ReloadAsync(Func<OperatorMessage, Task> reply, CancellationToken cancellationToken)
    {
        if (slots.IsClosed || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await reply(new DoneReply(false, "the cluster is stopping")).ConfigureAwait(false);
            return;
        }
        // Progress lines are written in order by one writer, off the reload's thread.
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var run = reloads.Request(line => lines.Writer.TryWrite(line));
        var forward = ForwardAsync(lines.Reader, reply, cancellationToken);
        var outcome = await run.Outcome.WaitAsync(cancellationToken).ConfigureAwait(false);
        lines.Writer.TryComplete();
        await forward.ConfigureAwait(false);
        await reply(outcome.Succeeded
            ? new DoneReply(true, $"reloaded: {outcome.Replaced} of {outcome.Total} workers replaced")
            : new DoneReply(false, outcome.Failure ?? "the reload failed")).ConfigureAwait(false);
    }

    private static async Task ForwardAsync(System.Threading.Channels.ChannelReader<string> lines, Func<OperatorMessage, Task> reply, CancellationToken cancellationToken)
    {
        await foreach (var line in lines.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await reply(new ProgressReply(line)).ConfigureAwait(false);
        }
    }

    private async Task ScaleAsync(ScaleRequest request, Func<OperatorMessage, Task> reply, CancellationToken cancellationToken)
    {
        var current = slots.Count;
        if (ParseTarget(request.Workers, current) is not { } target)
        {
            await reply(new DoneReply(false, $"'{request.Workers}' is not a worker count: give N, +N or -N")).ConfigureAwait(false);
            return;
        }
        if (slots.IsClosed || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await reply(new DoneReply(false, "the cluster is stopping")).ConfigureAwait(false);
            return;
        }
        if (target < ClusterHostOptionsValidator.MinWorkers)
        {
            await reply(new DoneReply(false, $"cannot scale to {target}: a cluster keeps at least {ClusterHostOptionsValidator.MinWorkers} worker ({current} now)")).ConfigureAwait(false);
            return;
        }

        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var forward = ForwardAsync(lines.Reader, reply, cancellationToken);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(ScaleBudget);
        lines.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"scaling from {current} to {target} worker{(target == 1 ? "" : "s")}"));
        ScaleOutcome outcome;
        try
        {
            outcome = await supervisor.ScaleToAsync(target, line => lines.Writer.TryWrite(line), budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            outcome = new ScaleOutcome(false, slots.Count, $"not every worker was ready within {ScaleBudget.TotalSeconds:0} s");
        }
        lines.Writer.TryComplete();
        await forward.ConfigureAwait(false);
        await reply(outcome.Succeeded
            ? new DoneReply(true, $"{outcome.Workers} worker{(outcome.Workers == 1 ? "" : "s")} ready")
            : new DoneReply(false, outcome.Failure ?? "scaling failed")).ConfigureAwait(false);
    }

    /// <summary>N, +N or -N against <paramref name="current"/>; null when it is none of them.</summary>
    internal static int? ParseTarget(string text, int current)
    {
        text = text.Trim();
        var relative = text.StartsWith('+') || text.StartsWith('-');
        if (!int.TryParse(relative ? text[1..] : text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }
        return !relative ? n : text[0] == '+' ? current + n : current - n;
    }

    private async Task StopAsync(StopRequest request, Func<OperatorMessage, Task> reply)
    {
        if (request.TimeoutSeconds is { } seconds)
        {
            if (!double.IsFinite(seconds) || seconds < 0 || seconds > 3600)
            {
                await reply(new DoneReply(false, "--timeout must be 0 to 3600 seconds")).ConfigureAwait(false);
                return;
            }
            supervisor.SetDrainTimeout(TimeSpan.FromSeconds(seconds));
        }
        var drain = request.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : config.ShutdownTimeout;
        events.Add(ClusterEventKind.Stopping, null, null, $"stop requested: draining every worker (timeout {drain.TotalSeconds:0.#} s)");
        await reply(new DoneReply(true, $"stopping: draining every worker (timeout {drain.TotalSeconds:0.#} s)", Environment.ProcessId)).ConfigureAwait(false);
        lifetime.StopApplication();
    }
}
