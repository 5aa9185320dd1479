using System.Globalization;
using System.Net.Sockets;
using ClusterHost.Primary.Balancing;
using ClusterHost.Primary.Configuration;
using ClusterHost.Primary.Platform;
using ClusterHost.Primary.Supervision;
using ClusterHost.Text;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary.Hosting;

/// <summary>
/// What the primary tells its service manager through <c>NOTIFY_SOCKET</c> (systemd's
/// <c>Type=notify</c> and <c>Type=notify-reload</c>): READY=1 once every worker serves, not when
/// the process starts; a STATUS= line that follows the workers (restarts, scaling, give-ups);
/// RELOADING=1 with MONOTONIC_USEC on SIGHUP and READY=1 when the rolling reload is done;
/// STOPPING=1 at drain; and WATCHDOG=1 at half the <c>WatchdogSec=</c> interval, only while the
/// supervisor's own loop (<see cref="WorkerWatch"/>) keeps running, so a wedged primary is restarted.
/// </summary>
/// <remarks>
/// The sending is <see cref="ISystemdNotifier"/>'s (Microsoft.Extensions.Hosting.Systemd). Its own
/// <c>UseSystemd()</c> is not used: it says READY=1 as soon as the host has started, before any
/// worker is ready, and only when systemd is the parent process.
/// </remarks>
internal sealed class ServiceManagerNotifications
{
    /// <summary>How often the status is checked for a change (and the watchdog for a due ping, at most this late). 250 ms.</summary>
    internal static readonly TimeSpan StatusInterval = TimeSpan.FromMilliseconds(250);

    private readonly ISystemdNotifier _notifier;
    private readonly ServiceWatchdog _watchdog;
    private readonly IClusterFront _front;
    private readonly WorkerSlots _slots;
    private readonly WorkerWatch _watch;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private string? _lastStatus;
    private bool _ready;
    private bool _reloading;
    private bool _stopping;
    private bool _failureLogged;
    private bool _stallLogged;

    public ServiceManagerNotifications(
        ISystemdNotifier notifier, ServiceWatchdog watchdog, IClusterFront front, WorkerSlots slots, ReloadQueue reloads, WorkerWatch watch,
        TimeProvider time, ILogger<ServiceManagerNotifications> logger)
    {
        _notifier = notifier;
        _watchdog = watchdog;
        _front = front;
        _slots = slots;
        _watch = watch;
        _time = time;
        _logger = logger;
        reloads.Requested += OnReloadRequested;
        reloads.Settled += OnReloadSettled;
    }

    /// <summary>True when a service manager listens (<c>NOTIFY_SOCKET</c> is set).</summary>
    public bool IsEnabled => _notifier.IsEnabled;

    /// <summary>Sends the status when it changes and the watchdog pings, until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!IsEnabled)
        {
            return;
        }
        var half = _watchdog.Interval / 2;
        var tick = half is { } h && h < StatusInterval ? h : StatusInterval;
        Log.NotifyingServiceManager(_logger, _watchdog.Interval is { } interval
            ? string.Create(CultureInfo.InvariantCulture, $"; watchdog pings every {half!.Value.TotalMilliseconds:0} ms (WatchdogSec {interval.TotalSeconds:0.###} s)")
            : "");
        var lastPing = _time.GetTimestamp();
        Ping();
        using var timer = new PeriodicTimer(tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                SendStatusIfChanged();
                // Due when the next tick would be late: pings land every half interval, to within half a tick.
                if (half is { } due && _time.GetElapsedTime(lastPing) + tick / 2 >= due && SupervisorIsAlive())
                {
                    lastPing = _time.GetTimestamp();
                    Ping();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Every worker serves: READY=1 with the status.</summary>
    public void Ready()
    {
        lock (_gate)
        {
            _ready = true;
            Send($"READY=1\nSTATUS={_lastStatus = CurrentStatus()}");
        }
    }

    /// <summary>The drain begins: STOPPING=1.</summary>
    public void Stopping(int draining)
    {
        lock (_gate)
        {
            _stopping = true;
            Send($"STOPPING=1\nSTATUS={_lastStatus = ServiceManagerStatus.Stopping(draining)}");
        }
    }

    private void OnReloadRequested()
    {
        lock (_gate)
        {
            _reloading = true;
            if (_stopping)
            {
                return;
            }
            // systemd's notify-reload waits for RELOADING=1 stamped no earlier than its SIGHUP.
            var usec = _time.GetTimestamp() / (_time.TimestampFrequency / 1_000_000.0);
            Send(string.Create(CultureInfo.InvariantCulture, $"RELOADING=1\nMONOTONIC_USEC={(long)usec}\nSTATUS={_lastStatus = CurrentStatus()}"));
        }
    }

    private void OnReloadSettled()
    {
        lock (_gate)
        {
            _reloading = false;
            if (_ready && !_stopping)
            {
                Send($"READY=1\nSTATUS={_lastStatus = CurrentStatus()}");
            }
        }
    }

    private void SendStatusIfChanged()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }
            var status = CurrentStatus();
            if (status != _lastStatus)
            {
                _lastStatus = status;
                Send($"STATUS={status}");
            }
        }
    }

    private string CurrentStatus()
    {
        var slots = _slots.Current;
        var ready = slots.Count(s => s.State is WorkerSlotState.Ready or WorkerSlotState.Replacing);
        var gaveUp = slots.Count(s => s.State == WorkerSlotState.GaveUp);
        var activity = _reloading ? "reloading" : _ready ? null : "starting";
        return ServiceManagerStatus.Format(activity, ready, slots.Count, gaveUp, EnumNames<BalancingMode>.ToName(_front.Mode), _front.Urls);
    }

    private bool SupervisorIsAlive()
    {
        var last = _watch.LastCheck;
        // Not yet run once: the watch starts with the cluster, a tick away.
        if (last == 0 || _time.GetElapsedTime(last) <= 2 * WorkerWatch.Interval)
        {
            _stallLogged = false;
            return true;
        }
        if (!_stallLogged)
        {
            _stallLogged = true;
            Log.WatchdogWithheld(_logger, _time.GetElapsedTime(last));
        }
        return false;
    }

    private void Ping() => Send("WATCHDOG=1");

    private void Send(string state)
    {
        try
        {
            _notifier.Notify(new ServiceState(state));
        }
        catch (SocketException e)
        {
            // The service manager may be gone (or restarting); the cluster serves on regardless.
            if (!_failureLogged)
            {
                _failureLogged = true;
                Log.NotifyFailed(_logger, e.Message);
            }
        }
    }
}
