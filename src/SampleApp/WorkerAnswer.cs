namespace SampleApp;

/// <summary>What every SampleApp endpoint answers: who served the request, and on which connection.</summary>
internal sealed record WorkerAnswer(int Worker, int Pid, string Connection);
