namespace ClusterHost.LoadTests.Reports;

/// <summary>The requests of one worker process (a slot's crashed process and its replacement get a row each).</summary>
internal sealed record WorkerProcessRow(int Worker, int Pid, int Answered, int Failed);
