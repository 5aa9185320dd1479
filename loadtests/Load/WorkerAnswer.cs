namespace ClusterHost.LoadTests.Load;

/// <summary>What the SampleApp answers: who served the request (<c>{"worker":1,"pid":4242,...}</c>).</summary>
internal sealed record WorkerAnswer(int Worker, int Pid);
