namespace ClusterHost.Primary.Configuration;

/// <summary>How the proxy mode picks a worker for each request; each maps onto a YARP load-balancing policy.</summary>
internal enum ProxyBalancePolicy
{
    /// <summary>Each worker in turn (YARP <c>RoundRobin</c>).</summary>
    RoundRobin,

    /// <summary>The worker with the fewest requests in flight (YARP <c>LeastRequests</c>).</summary>
    LeastRequests,

    /// <summary>The less busy of two workers picked at random (YARP <c>PowerOfTwoChoices</c>).</summary>
    PowerOfTwo,

    /// <summary>A worker picked at random (YARP <c>Random</c>).</summary>
    Random,
}
