namespace ClusterHost.Primary.Supervision;

/// <summary>What to do after a worker exited unexpectedly.</summary>
/// <param name="GiveUp">The slot is crash-looping: do not restart it.</param>
/// <param name="Delay">How long to wait before the restart.</param>
/// <param name="ConsecutiveFailures">Failures in a row, this one included.</param>
internal readonly record struct RestartDecision(bool GiveUp, TimeSpan Delay, int ConsecutiveFailures);
