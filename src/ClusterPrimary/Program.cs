using ClusterHost.Primary;
using ClusterHost.Primary.Commands;
using ClusterHost.Primary.Diagnostics;

if (args.Length > 0 && args[0] == StackCaptureCommand.Verb)
{
    return StackCaptureCommand.Run(args);
}
if (args.Length > 0 && OperatorCommandLine.IsCommand(args[0]))
{
    return await OperatorCommandLine.InvokeAsync(args).ConfigureAwait(false);
}
return await ClusterHostApp.RunAsync(args).ConfigureAwait(false);
