using System.Net.Sockets;
using System.Text.Json;
using ClusterHost.LoadTests.Http;

namespace ClusterHost.LoadTests.Load;

/// <summary>
/// Opens connections to the target and sends requests on them, recording every one of both
/// in the <see cref="ScenarioRecorder"/>. Expected failures (a lost connection, a timeout) are
/// results in the record, not exceptions; only cancellation by the caller throws.
/// </summary>
internal sealed class LoadClient(Uri target, ScenarioRecorder recorder, TimeSpan requestTimeout)
{
    public ScenarioRecorder Recorder => recorder;

    public ScenarioClock Clock => recorder.Clock;

    /// <summary>Opens a connection; null (and a recorded failure) when it cannot be opened.</summary>
    public async Task<RawHttpConnection?> OpenAsync(string purpose, RequestKind kind, CancellationToken abort)
    {
        var id = recorder.NextConnectionId();
        var start = Clock.NowMs;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
            timeout.CancelAfter(requestTimeout);
            var connection = await RawHttpConnection.OpenAsync(id, target, timeout.Token);
            recorder.Add(new ConnectionRecord(id, connection.LocalPort, purpose, start));
            return connection;
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !abort.IsCancellationRequested))
        {
            recorder.Add(new RequestRecord
            {
                Connection = id, Kind = kind, Path = "", StartMs = start, DurationMs = Clock.NowMs - start,
                Outcome = RequestOutcome.ConnectFailed, Error = e.Message,
            });
            return null;
        }
    }

    /// <summary>Opens a keep-alive connection and asks <c>/</c> on it: which worker owns it. Null if either fails.</summary>
    public async Task<OwnedConnection?> OpenOwnedAsync(string purpose, CancellationToken abort)
    {
        var connection = await OpenAsync(purpose, RequestKind.Probe, abort);
        if (connection is null)
        {
            return null;
        }
        var probe = await SendAsync(connection, "/", RequestKind.Probe, abort);
        if (probe is { Succeeded: true, Worker: { } worker, Pid: { } pid })
        {
            return new OwnedConnection(connection, worker, pid);
        }
        connection.Dispose();
        return null;
    }

    /// <summary>Opens connections until one is owned by <paramref name="worker"/>; the others are closed. Null after <paramref name="attempts"/>.</summary>
    public async Task<OwnedConnection?> FindOwnedByAsync(int worker, string purpose, int attempts, CancellationToken abort)
    {
        for (var i = 0; i < attempts; i++)
        {
            var owned = await OpenOwnedAsync(purpose, abort);
            if (owned?.Worker == worker)
            {
                return owned;
            }
            owned?.Connection.Dispose();
        }
        return null;
    }

    /// <summary>Sends <c>GET <paramref name="path"/></c> on <paramref name="connection"/> and records how it went.</summary>
    /// <param name="intendedMs">Open loop: when the request was due (recorded as <see cref="RequestRecord.IntendedMs"/>).</param>
    public async Task<RequestRecord> SendAsync(RawHttpConnection connection, string path, RequestKind kind, CancellationToken abort, double? intendedMs = null)
    {
        var start = Clock.NowMs;
        RequestRecord record;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
            timeout.CancelAfter(requestTimeout);
            var response = await connection.GetAsync(path, timeout.Token);
            var answer = TryReadAnswer(response);
            record = new RequestRecord
            {
                Connection = connection.Id, Kind = kind, Path = path, StartMs = start, IntendedMs = intendedMs, DurationMs = Clock.NowMs - start,
                Outcome = RequestOutcome.Answered, Status = response.Status, Worker = answer?.Worker, Pid = answer?.Pid,
            };
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            record = Failed(RequestOutcome.TimedOut, $"no response within {requestTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or InvalidOperationException)
        {
            record = Failed(RequestOutcome.Lost, e.InnerException?.Message ?? e.Message);
        }
        recorder.Add(record);
        return record;

        RequestRecord Failed(RequestOutcome outcome, string error) => new()
        {
            Connection = connection.Id, Kind = kind, Path = path, StartMs = start, IntendedMs = intendedMs, DurationMs = Clock.NowMs - start,
            Outcome = outcome, Error = error,
        };
    }

    private static WorkerAnswer? TryReadAnswer(HttpResponse response)
    {
        if (response.Status is < 200 or >= 300)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(response.Body, RunnerJsonContext.Default.WorkerAnswer);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
