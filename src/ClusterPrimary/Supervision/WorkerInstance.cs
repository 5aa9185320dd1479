namespace ClusterHost.Primary.Supervision;

/// <summary>
/// One launch of a worker: its slot and a generation that grows with every launch in that slot.
/// During a replacement (reload, recycling) a slot briefly has two processes; this tells them apart.
/// </summary>
internal readonly record struct WorkerInstance(int WorkerId, long Generation)
{
    public override string ToString() => $"{WorkerId}.{Generation}";
}
