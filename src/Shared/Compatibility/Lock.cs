#if !NET9_0_OR_GREATER
namespace System.Threading;

/// <summary>
/// Stands in for .NET 9's <c>System.Threading.Lock</c> where this source is compiled for net8.0
/// (the worker assembly injected into .NET 8 apps): the compiler's <c>lock</c> pattern over a
/// monitor lock.
/// </summary>
internal sealed class Lock
{
    private readonly object _monitor = new();

    public Scope EnterScope()
    {
        Monitor.Enter(_monitor);
        return new Scope(_monitor);
    }

    /// <summary>Held until disposed, as <c>lock</c> does.</summary>
    public ref struct Scope
    {
        private readonly object _monitor;

        internal Scope(object monitor) => _monitor = monitor;

        public readonly void Dispose() => Monitor.Exit(_monitor);
    }
}
#endif
