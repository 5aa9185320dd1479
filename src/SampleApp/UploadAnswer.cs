namespace SampleApp;

/// <summary>What <c>POST /upload</c> answers: who read the body, its length and its SHA-256 (lowercase hex).</summary>
internal sealed record UploadAnswer(int Worker, int Pid, long Bytes, string Sha256);
