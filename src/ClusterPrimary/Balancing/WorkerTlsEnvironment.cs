using System.Net;
using ClusterHost.Control;
using ClusterHost.Primary.Configuration;
using ClusterHost.Text;
using ClusterHost.Tls;

namespace ClusterHost.Primary.Balancing;

/// <summary>
/// For the fronts whose workers accept the public connections themselves (reuseport, and shared
/// or handoff when they come): tells a launch which of its endpoints are https, where the
/// certificate is and which HTTP versions to serve. The certificate travels as file paths, read
/// by each worker when it starts; its PFX password through the worker's environment only
/// (readable by the same user and root, like the files), never its command line.
/// </summary>
internal static class WorkerTlsEnvironment
{
    public static void Apply(ClusterHostConfig config, IReadOnlyCollection<IPEndPoint> httpsEndpoints, IDictionary<string, string?> environment)
    {
        environment[WorkerEnvironmentVariables.Protocols] = EnumNames<ListenProtocols>.ToName(config.Protocols);
        if (httpsEndpoints.Count == 0 || config.Certificate is not { } certificate)
        {
            return;
        }
        environment[WorkerEnvironmentVariables.HttpsListen] = string.Join(';', httpsEndpoints.Select(e => e.ToString()));
        environment[WorkerEnvironmentVariables.Certificate] = certificate.CertificatePath;
        environment[WorkerEnvironmentVariables.CertificateKey] = certificate.KeyPath;
        environment[WorkerEnvironmentVariables.CertificatePassword] = certificate.Password;
    }
}
