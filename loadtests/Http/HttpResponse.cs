namespace ClusterHost.LoadTests.Http;

/// <summary>One HTTP/1.1 response as the runner needs it.</summary>
/// <param name="ConnectionClose">The server closes the connection after this response.</param>
internal sealed record HttpResponse(int Status, bool ConnectionClose, string Body);
