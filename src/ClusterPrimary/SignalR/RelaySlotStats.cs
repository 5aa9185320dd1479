namespace ClusterHost.Primary.SignalR;

/// <summary>
/// The relay's counters for one worker slot, kept across the slot's successive workers (the
/// counters of <c>/metrics</c> never go back).
/// </summary>
internal sealed class RelaySlotStats(int workerId)
{
    private long _messagesIn;
    private long _bytesIn;
    private long _messagesOut;
    private long _bytesOut;
    private long _queuedFrames;
    private long _queuedBytes;
    private long _drops;
    private long _droppedMessages;
    private int _connected;

    public int WorkerId { get; } = workerId;

    /// <summary>Messages the slot's workers sent into the relay.</summary>
    public long MessagesIn => Interlocked.Read(ref _messagesIn);

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Messages the relay wrote to the slot's workers.</summary>
    public long MessagesOut => Interlocked.Read(ref _messagesOut);

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>Messages waiting to be written to the slot's worker now.</summary>
    public long QueuedFrames => Interlocked.Read(ref _queuedFrames);

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Times the slot's worker was dropped from the relay because its queue was full.</summary>
    public long Drops => Interlocked.Read(ref _drops);

    /// <summary>Messages that were queued for the slot's worker when it was dropped, or left when it went away.</summary>
    public long DroppedMessages => Interlocked.Read(ref _droppedMessages);

    /// <summary>True while a worker of the slot is connected to the relay.</summary>
    public bool Connected => Volatile.Read(ref _connected) == 1;

    public void Received(int bytes)
    {
        Interlocked.Increment(ref _messagesIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    public void Queued(int bytes)
    {
        Interlocked.Increment(ref _queuedFrames);
        Interlocked.Add(ref _queuedBytes, bytes);
    }

    public void Written(int bytes)
    {
        Interlocked.Decrement(ref _queuedFrames);
        Interlocked.Add(ref _queuedBytes, -bytes);
        Interlocked.Increment(ref _messagesOut);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    public void Discarded(int bytes)
    {
        Interlocked.Decrement(ref _queuedFrames);
        Interlocked.Add(ref _queuedBytes, -bytes);
        Interlocked.Increment(ref _droppedMessages);
    }

    public void Dropped() => Interlocked.Increment(ref _drops);

    public void SetConnected(bool connected) => Volatile.Write(ref _connected, connected ? 1 : 0);
}
