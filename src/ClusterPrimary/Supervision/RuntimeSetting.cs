namespace ClusterHost.Primary.Supervision;

/// <summary>
/// One .NET runtime setting, by both of its names: the environment variable and the
/// <c>runtimeconfig.json</c> property.
/// </summary>
internal sealed record RuntimeSetting(string EnvironmentVariable, string ConfigProperty, string Value)
{
    /// <summary>The runtime also reads the older <c>COMPlus_</c> spelling of a <c>DOTNET_</c> variable.</summary>
    private string LegacyEnvironmentVariable => "COMPlus_" + EnvironmentVariable["DOTNET_".Length..];

    /// <summary>Whether <paramref name="environment"/> sets this, under either spelling.</summary>
    public bool IsSetIn(IDictionary<string, string?> environment) =>
        environment.ContainsKey(EnvironmentVariable) || environment.ContainsKey(LegacyEnvironmentVariable);
}
