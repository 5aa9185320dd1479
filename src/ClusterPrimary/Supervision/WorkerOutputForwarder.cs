using System.Buffers;
using System.Globalization;
using System.Text;

namespace ClusterHost.Primary.Supervision;

/// <summary>
/// Forwards a worker's stdout and stderr lines to the primary's, each prefixed with
/// <c>[worker N] </c> (<c>[standby] </c> until a standby takes a slot, <see cref="Relabel"/>) so
/// interleaved output from N workers stays attributable.
/// </summary>
/// <remarks>
/// A worker that floods its output must not stall the primary, the other workers or /metrics.
/// The pipes are read as bytes, as fast as the worker writes (the worker never blocks on the
/// primary), split on '\n' without decoding, and forwarded in one write per read. Past
/// <see cref="BytesPerSecond"/> per stream (after a burst of <see cref="BurstBytes"/>) lines are
/// dropped, as journald's rate limit drops them, and once a second a line says how many.
/// A worker that closes its stdout just ends that pump: it is supervised as before.
/// </remarks>
internal sealed class WorkerOutputForwarder(string label, OutputSink output, OutputSink error, TimeProvider time)
{
    /// <summary>Output forwarded per worker and stream, sustained: 256 KiB/s (about 2,500 lines of 100 bytes a second).</summary>
    internal const int BytesPerSecond = 256 * 1024;

    /// <summary>Output forwarded per worker and stream in a burst: 1 MiB.</summary>
    internal const int BurstBytes = 1024 * 1024;

    /// <summary>A longer line is forwarded in pieces of this length: 64 KiB.</summary>
    internal const int MaxLineBytes = 64 * 1024;

    internal static readonly TimeSpan DropReportInterval = TimeSpan.FromSeconds(1);

    private volatile byte[] _prefix = Prefix(label);
    private volatile Action? _onStandbyWarm;

    public WorkerOutputForwarder(int workerId, OutputSink output, OutputSink error)
        : this(WorkerLabel(workerId), output, error, TimeProvider.System)
    {
    }

    public WorkerOutputForwarder(int workerId, OutputSink output, OutputSink error, TimeProvider time)
        : this(WorkerLabel(workerId), output, error, time)
    {
    }

    /// <summary>The label of a standby process, before it takes a slot.</summary>
    internal const string StandbyLabel = "standby";

    /// <summary>
    /// The line a standby's startup hook writes to stdout once warm (<c>Standby.WarmMarker</c> in
    /// the hook): not forwarded; <see cref="WatchForStandbyWarm"/>'s callback runs instead.
    /// </summary>
    internal static ReadOnlySpan<byte> StandbyWarmMarker => "clusterhost:standby:warm"u8;

    /// <summary>Until <see cref="Relabel"/>, the standby's warm marker runs <paramref name="onWarm"/> (once) instead of being forwarded.</summary>
    public void WatchForStandbyWarm(Action onWarm) => _onStandbyWarm = onWarm;

    /// <summary>Lines read from now on carry <c>[worker <paramref name="workerId"/>]</c>.</summary>
    public void Relabel(int workerId)
    {
        _onStandbyWarm = null;
        _prefix = Prefix(WorkerLabel(workerId));
    }

    private static string WorkerLabel(int workerId) => string.Create(CultureInfo.InvariantCulture, $"worker {workerId}");

    private static byte[] Prefix(string label) => Encoding.UTF8.GetBytes($"[{label}] ");

    public Task PumpOutputAsync(Stream from) => PumpAsync(from, output);

    public Task PumpErrorAsync(Stream from) => PumpAsync(from, error);

    private async Task PumpAsync(Stream from, OutputSink to)
    {
        var buffer = new byte[MaxLineBytes];
        var batch = new ArrayBufferWriter<byte>(MaxLineBytes + 256);
        var budget = new Budget(time);
        var filled = 0;
        long droppedLines = 0, droppedBytes = 0;
        var lastReport = time.GetTimestamp();
        while (true)
        {
            var read = await from.ReadAsync(buffer.AsMemory(filled)).ConfigureAwait(false);
            var atEnd = read == 0;
            filled += read;
            var start = 0;
            while (start < filled)
            {
                var newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                if (newline < 0 && !atEnd && !(start == 0 && filled == buffer.Length))
                {
                    break; // wait for the rest of the line
                }
                var length = newline < 0 ? filled - start : newline;
                var line = buffer.AsSpan(start, length);
                start += newline < 0 ? length : length + 1;
                if (_onStandbyWarm is { } onWarm && line.SequenceEqual(StandbyWarmMarker))
                {
                    _onStandbyWarm = null;
                    onWarm();
                    continue;
                }
                var prefix = _prefix;
                if (budget.TryTake(prefix.Length + length + 1))
                {
                    batch.Write(prefix);
                    batch.Write(line);
                    batch.Write("\n"u8);
                }
                else
                {
                    droppedLines++;
                    droppedBytes += length + 1;
                }
            }
            buffer.AsSpan(start, filled - start).CopyTo(buffer);
            filled -= start;

            if (droppedLines > 0 && (atEnd || time.GetElapsedTime(lastReport) >= DropReportInterval))
            {
                batch.Write(_prefix);
                batch.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"[clusterhost] {droppedLines} line(s), {droppedBytes} bytes of output dropped: over {BytesPerSecond / 1024} KiB/s\n")));
                droppedLines = droppedBytes = 0;
                lastReport = time.GetTimestamp();
            }
            if (batch.WrittenCount > 0)
            {
                await to.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                batch.ResetWrittenCount();
            }
            if (atEnd)
            {
                return;
            }
        }
    }

    // A token bucket of bytes: BurstBytes deep, refilled at BytesPerSecond.
    private sealed class Budget(TimeProvider time)
    {
        private double _tokens = BurstBytes;
        private long _refilledAt = time.GetTimestamp();

        public bool TryTake(int bytes)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(BurstBytes, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * BytesPerSecond);
            _refilledAt = now;
            if (_tokens < bytes)
            {
                return false;
            }
            _tokens -= bytes;
            return true;
        }
    }
}
