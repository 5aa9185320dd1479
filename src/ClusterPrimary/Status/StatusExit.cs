namespace ClusterHost.Primary.Status;

/// <summary>How a worker left its slot.</summary>
/// <param name="Time">When (UTC).</param>
/// <param name="Pid">The worker that left.</param>
/// <param name="Reason">Its exit reason and exit (<c>crash: signal SIGKILL (exit code 137) after 12 s</c>).</param>
internal sealed record StatusExit(DateTimeOffset Time, int? Pid, string Reason);
