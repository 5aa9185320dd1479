using Grpc.Core;

namespace GrpcGreeter.Services;

public sealed class GreeterService : Greeter.GreeterBase
{
    public override async Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0)
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }
        var http = context.GetHttpContext().Request;
        return new HelloReply
        {
            Message = $"Hello {request.Name}",
            Pid = Environment.ProcessId,
            Scheme = http.Scheme,
            Protocol = http.Protocol,
        };
    }

    public override async Task Count(CountRequest request, IServerStreamWriter<CountReply> responseStream, ServerCallContext context)
    {
        for (var i = 1; i <= request.Count; i++)
        {
            await responseStream.WriteAsync(new CountReply { Number = i, Pid = Environment.ProcessId }, context.CancellationToken);
            if (i < request.Count)
            {
                await Task.Delay(request.IntervalMs, context.CancellationToken);
            }
        }
    }
}
