using ClusterHost.Primary;
using ClusterHost.Primary.Diagnostics;

if (args.Length > 0 && args[0] == StackCaptureCommand.Verb)
{
    return StackCaptureCommand.Run(args);
}
return await ClusterHostApp.RunAsync(args).ConfigureAwait(false);
