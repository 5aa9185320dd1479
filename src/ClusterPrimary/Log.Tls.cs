using Microsoft.Extensions.Logging;

namespace ClusterHost.Primary;

/// <summary>TLS and certificates: event ids 500-549.</summary>
internal static partial class Log
{
    [LoggerMessage(500, LogLevel.Information, "HTTPS certificate {Certificate} from {Files}", EventName = "CertificateLoaded")]
    public static partial void CertificateLoaded(ILogger logger, string certificate, string files);

    [LoggerMessage(501, LogLevel.Error, "Reload refused: {Problem}; the cluster keeps serving the last good certificate with its current workers", EventName = "CertificateReloadFailed")]
    public static partial void CertificateReloadFailed(ILogger logger, string problem);

    [LoggerMessage(502, LogLevel.Warning, "The private key file {KeyPath} can be read by other users; make it readable by its owner only (chmod 600)", EventName = "CertificateKeyReadableByOthers")]
    public static partial void CertificateKeyReadableByOthers(ILogger logger, string keyPath);
}
