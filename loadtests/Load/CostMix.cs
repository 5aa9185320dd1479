using System.Globalization;

namespace ClusterHost.LoadTests.Load;

/// <summary>
/// Which requests of a mixed-cost run are heavy: request <c>i</c> is heavy with probability
/// <see cref="HeavyPercent"/>, decided by a hash of the seed and <c>i</c>, so that every target of a
/// benchmark sees the same sequence and a request's cost does not depend on when it was sent.
/// </summary>
/// <param name="LightMicroseconds">CPU time of a light request (<c>/work?us=</c>).</param>
/// <param name="HeavyMicroseconds">CPU time of a heavy request.</param>
/// <param name="HeavyPercent">Share of heavy requests, 0 to 100.</param>
/// <param name="Seed">The seed of the sequence.</param>
internal sealed record CostMix(int LightMicroseconds, int HeavyMicroseconds, double HeavyPercent, int Seed)
{
    /// <summary>The mean CPU time the mix asks per request, in microseconds.</summary>
    public double MeanMicroseconds => LightMicroseconds + (HeavyMicroseconds - LightMicroseconds) * HeavyPercent / 100;

    public RequestKind KindOf(long index) => Uniform(index) < HeavyPercent / 100 ? RequestKind.Heavy : RequestKind.Light;

    public string PathOf(RequestKind kind) => string.Create(CultureInfo.InvariantCulture,
        $"/work?us={(kind == RequestKind.Heavy ? HeavyMicroseconds : LightMicroseconds)}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{100 - HeavyPercent:0.##}% of {LightMicroseconds} µs and {HeavyPercent:0.##}% of {HeavyMicroseconds} µs of CPU (mean {MeanMicroseconds:0} µs)");

    /// <summary>A number in [0, 1) from the seed and the index (SplitMix64).</summary>
    private double Uniform(long index)
    {
        var z = unchecked((ulong)Seed * 0x9E3779B97F4A7C15UL + (ulong)index * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
