namespace ClusterHost.Primary.Status;

/// <summary>How a worker left its slot.</summary>
/// <param name="Time">When (UTC).</param>
/// <param name="Reason">Its exit reason and exit (<c>crash: signal SIGKILL (exit code 137) after 12 s</c>).</param>
/// <param name="Pid">The worker that left.</param>
internal sealed record StatusExit(DateTimeOffset Time, string Reason, int? Pid = null);
