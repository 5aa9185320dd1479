using ClusterHost.Primary;

return await ClusterHostApp.RunAsync(args).ConfigureAwait(false);
