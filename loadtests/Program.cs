using ClusterHost.LoadTests;

return await RunnerApp.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
