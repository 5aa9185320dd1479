namespace ClusterHost.FunctionalTests.Infrastructure;

/// <summary>The SampleApp's answer to <c>/leak</c>.</summary>
internal sealed record LeakAnswer(int Worker, int Pid, int KeptMb);
