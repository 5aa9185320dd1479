namespace SampleApp.Faults;

/// <summary>The answer of <c>/leak</c>: who keeps the memory, and how much it keeps in all.</summary>
internal sealed record LeakAnswer(int Worker, int Pid, int KeptMb);
