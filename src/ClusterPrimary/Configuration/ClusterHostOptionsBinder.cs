using Microsoft.Extensions.Configuration;

namespace ClusterHost.Primary.Configuration;

/// <summary>
/// Binds the <c>Cluster</c> configuration section to <see cref="ClusterHostOptions"/> through
/// <see cref="ClusterOptionTable"/>, collecting every error (unknown keys, unparsable values)
/// instead of stopping at the first.
/// </summary>
internal static class ClusterHostOptionsBinder
{
    public static ClusterHostOptions Bind(IConfiguration configuration, ICollection<string> errors)
    {
        var options = new ClusterHostOptions();
        foreach (var child in configuration.GetSection(ClusterHostOptions.SectionName).GetChildren())
        {
            // A secret: read from configuration only, never a switch (ps shows command lines).
            if (string.Equals(child.Key, nameof(ClusterHostOptions.CertificatePassword), StringComparison.OrdinalIgnoreCase))
            {
                options.CertificatePassword = child.Value;
                continue;
            }
            var option = ClusterOptionTable.FindKey(child.Key);
            if (option is null)
            {
                errors.Add($"unknown setting '{ClusterHostOptions.SectionName}:{child.Key}'; allowed: {string.Join(", ", ClusterOptionTable.All.Select(o => o.Key))}");
                continue;
            }
            if (child.Value is null)
            {
                errors.Add($"{option.Switch} ({ClusterHostOptions.SectionName}:{option.Key}) must be a single value, not a section");
                continue;
            }
            if (option.Apply(options, child.Value) is { } problem)
            {
                errors.Add($"{option.Switch} {problem} (got '{child.Value}')");
            }
        }
        BindKestrelDefaultCertificate(configuration, options);
        return options;
    }

    /// <summary>
    /// Without <c>--certificate</c>, the standard <c>Kestrel:Certificates:Default</c> (Path, KeyPath,
    /// Password) of the cluster's configuration, as a lone Kestrel would read it.
    /// </summary>
    private static void BindKestrelDefaultCertificate(IConfiguration configuration, ClusterHostOptions options)
    {
        var section = configuration.GetSection("Kestrel:Certificates:Default");
        if (options.Certificate is not null || section["Path"] is not { Length: > 0 } path)
        {
            return;
        }
        options.Certificate = path;
        options.CertificateKey = section["KeyPath"];
        options.CertificatePassword ??= section["Password"];
    }
}
