using ClusterHost.Primary.Operator;

namespace ClusterHost.Primary.Commands;

/// <summary><c>clusterhost reload</c> and <c>clusterhost scale</c>: send the request, print each progress line as it comes, exit by the outcome.</summary>
internal static class ProgressCommand
{
    public static async Task<int> RunAsync(string? socketPath, OperatorMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var client = await OperatorClient.ConnectAsync(OperatorClient.Locate(socketPath, Environment.CurrentDirectory), cancellationToken).ConfigureAwait(false);
            await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            while (await client.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } reply)
            {
                switch (reply)
                {
                    case ProgressReply progress:
                        Console.Out.WriteLine(progress.Message);
                        break;
                    case DoneReply { Ok: true } done:
                        Console.Out.WriteLine(done.Message);
                        return ExitCodes.Success;
                    case DoneReply done:
                        Console.Error.WriteLine($"clusterhost: {done.Message}");
                        return ExitCodes.Failure;
                }
            }
            throw new OperatorUnreachableException($"the primary at {client.Path} closed the connection before answering (did it stop?)");
        }
        catch (OperatorUnreachableException e)
        {
            Console.Error.WriteLine($"clusterhost: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
