namespace ClusterHost.Tls;

/// <summary>A certificate cannot be used; the message is one line that names the file and the cause.</summary>
internal sealed class CertificateException(string message, Exception? inner = null) : Exception(message, inner);
