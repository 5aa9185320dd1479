using System.Runtime.Versioning;

// The primary supervises Linux processes and sockets (SO_REUSEPORT, SO_PEERCRED, abstract
// sockets, signals); it runs on Linux only.
[assembly: SupportedOSPlatform("linux")]
