namespace ClusterHost.Tls;

/// <summary>Where the server certificate of the https endpoints is read from.</summary>
/// <param name="CertificatePath">Full path of a PEM certificate (optionally with its key) or a PFX/PKCS#12 file.</param>
/// <param name="KeyPath">Full path of the PEM private key; null for a PFX, or a PEM file that holds its key.</param>
/// <param name="Password">The PFX password; never taken from the command line.</param>
internal sealed record CertificateFiles(string CertificatePath, string? KeyPath, string? Password)
{
    /// <summary>True for a PFX/PKCS#12 file (<c>.pfx</c> or <c>.p12</c>).</summary>
    public bool IsPfx =>
        CertificatePath.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase)
        || CertificatePath.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    // The password is a secret: it must not reach a log through a record's generated ToString.
    public override string ToString() => KeyPath is null ? CertificatePath : $"{CertificatePath} (key {KeyPath})";
}
