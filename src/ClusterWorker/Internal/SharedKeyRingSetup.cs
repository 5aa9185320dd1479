using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.Internal;

/// <summary>
/// Gives the app's data protection the key ring every worker shares: the directory the primary
/// made for this app (<c>&lt;state dir&gt;/keys/&lt;app&gt;</c>, mode 0700), as
/// <c>PersistKeysToFileSystem</c> would. Without it each worker would make its own keys (in
/// HOME, or in memory without HOME), and a cookie, antiforgery token or bearer token issued by
/// one worker would be refused by the others.
/// </summary>
/// <remarks>
/// A post-configuration, so it runs after every <c>Configure</c> of the app, whatever the order of
/// registration: an app that stores its keys itself (<c>PersistKeysToFileSystem</c>,
/// <c>PersistKeysToDbContext</c>, any <see cref="KeyManagementOptions.XmlRepository"/>) is left alone.
/// </remarks>
internal sealed class SharedKeyRingSetup(WorkerEnvironment environment, ILoggerFactory loggerFactory) : IPostConfigureOptions<KeyManagementOptions>
{
    public static void Register(IServiceCollection services) =>
        services.AddSingleton<IPostConfigureOptions<KeyManagementOptions>, SharedKeyRingSetup>();

    public void PostConfigure(string? name, KeyManagementOptions options)
    {
        if (name != Options.DefaultName || environment.KeyDirectory is not { } directory)
        {
            return;
        }
        var logger = loggerFactory.CreateLogger<SharedKeyRingSetup>();
        if (options.XmlRepository is not null)
        {
            Log.OwnKeyStorage(logger, environment.WorkerId, options.XmlRepository.GetType().Name);
            return;
        }
        options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(directory), loggerFactory);
        Log.SharedKeyRing(logger, environment.WorkerId, directory);
    }
}
