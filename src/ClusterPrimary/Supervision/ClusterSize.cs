namespace ClusterHost.Primary.Supervision;

/// <summary>The number of worker slots now (it changes with SIGTTIN/SIGTTOU); told to new workers.</summary>
internal sealed class ClusterSize(int workers)
{
    private int _workers = workers;

    public int Workers
    {
        get => Volatile.Read(ref _workers);
        set => Volatile.Write(ref _workers, value);
    }
}
