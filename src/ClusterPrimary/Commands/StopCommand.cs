using ClusterHost.Primary.Operator;

namespace ClusterHost.Primary.Commands;

/// <summary><c>clusterhost stop [--timeout S]</c>: ask the primary to drain and exit, then wait until its process is gone.</summary>
internal static class StopCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(string? socketPath, double? timeoutSeconds, CancellationToken cancellationToken)
    {
        try
        {
            int pid;
            using (var client = await OperatorClient.ConnectAsync(OperatorClient.Locate(socketPath, Environment.CurrentDirectory), cancellationToken).ConfigureAwait(false))
            {
                await client.SendAsync(new StopRequest(timeoutSeconds), cancellationToken).ConfigureAwait(false);
                switch (await client.ReceiveAsync(cancellationToken).ConfigureAwait(false))
                {
                    case DoneReply { Ok: true, Pid: { } primary } done:
                        Console.Out.WriteLine(done.Message);
                        pid = primary;
                        break;
                    case DoneReply done:
                        Console.Error.WriteLine($"clusterhost: {done.Message}");
                        return ExitCodes.Failure;
                    default:
                        throw new OperatorUnreachableException($"the primary at {client.Path} closed the connection before answering");
                }
                // The primary closes the connection as it stops its control socket, last.
                while (await client.ReceiveAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                }
            }
            while (Directory.Exists($"/proc/{pid}") && !IsZombie(pid))
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            Console.Out.WriteLine($"stopped (pid {pid})");
            return ExitCodes.Success;
        }
        catch (OperatorUnreachableException e)
        {
            Console.Error.WriteLine($"clusterhost: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static bool IsZombie(int pid) => Platform.ProcessInfo.State($"/proc/{pid}/stat") is 'Z' or 'X';
}
