using ClusterHost.Control;
using ClusterHost.Worker.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClusterHost.Worker.Tests.Internal;

public sealed class SharedKeyRingSetupTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"clusterhost-keys-{Guid.NewGuid():N}");

    public SharedKeyRingSetupTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static WorkerEnvironment Worker(int id, string? keyDirectory) => new()
    {
        ControlAddress = "@test",
        Token = "token",
        WorkerId = id,
        WorkerCount = 2,
        ListenMode = WorkerListenModes.ReusePort,
        ShutdownTimeout = TimeSpan.FromSeconds(1),
        KeyDirectory = keyDirectory,
    };

    /// <summary>A worker's services: the app's own data-protection setup, then the worker's, as under the cluster.</summary>
    private static ServiceProvider Services(WorkerEnvironment worker, Action<IServiceCollection> app, bool workerFirst = false)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (workerFirst)
        {
            services.AddSingleton(worker);
            SharedKeyRingSetup.Register(services);
        }
        app(services);
        if (!workerFirst)
        {
            services.AddSingleton(worker);
            SharedKeyRingSetup.Register(services);
        }
        return services.BuildServiceProvider();
    }

    private static string? RepositoryDirectory(ServiceProvider services) =>
        (services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository as FileSystemXmlRepository)?.Directory.FullName;

    [Fact]
    public void AppWithoutKeyStorage_GetsTheSharedDirectory()
    {
        var shared = Dir("shared");
        using var services = Services(Worker(0, shared), s => s.AddDataProtection());

        Assert.Equal(shared, RepositoryDirectory(services));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AppWithItsOwnKeyStorage_IsLeftAlone_WhateverTheRegistrationOrder(bool workerFirst)
    {
        var own = Dir("own");
        using var services = Services(Worker(0, Dir("shared")), s => s.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(own)), workerFirst);

        Assert.Equal(own, RepositoryDirectory(services));
    }

    [Fact]
    public void AppWithACustomRepository_IsLeftAlone()
    {
        var custom = new EphemeralRepository();
        using var services = Services(Worker(0, Dir("shared")),
            s => s.AddDataProtection().Services.Configure<KeyManagementOptions>(o => o.XmlRepository = custom));

        Assert.Same(custom, services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
    }

    [Fact]
    public void WithoutAKeyDirectoryFromThePrimary_NothingChanges()
    {
        using var services = Services(Worker(0, null), s => s.AddDataProtection());

        Assert.Null(services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
    }

    [Fact]
    public void WhatOneWorkerProtects_AnotherUnprotects()
    {
        var shared = Dir("shared");
        using var first = Services(Worker(0, shared), s => s.AddDataProtection());
        using var second = Services(Worker(1, shared), s => s.AddDataProtection());

        var token = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Protect("alice");

        Assert.Equal("alice", second.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Unprotect(token));
        Assert.NotEmpty(Directory.GetFiles(shared, "key-*.xml"));
    }

    private sealed class EphemeralRepository : IXmlRepository
    {
        private readonly List<System.Xml.Linq.XElement> _elements = [];

        public IReadOnlyCollection<System.Xml.Linq.XElement> GetAllElements() => _elements;

        public void StoreElement(System.Xml.Linq.XElement element, string friendlyName) => _elements.Add(element);
    }
}
