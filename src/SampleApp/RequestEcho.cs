namespace SampleApp;

/// <summary>What <c>GET /request</c> answers: the request as the app sees it.</summary>
internal sealed record RequestEcho(int Worker, int Pid, string? RemoteIp, string Scheme, string? Host, IReadOnlyDictionary<string, string> Headers);
