using ClusterHost.Primary.Supervision.Standby;

namespace ClusterHost.Primary.Tests.Supervision.Standby;

public sealed class AppFileStampTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("clusterhost-stamp-").FullName;

    private string App => Path.Combine(_folder, "App.dll");

    public AppFileStampTests()
    {
        File.WriteAllText(App, "il");
        File.WriteAllText(Path.Combine(_folder, "App.runtimeconfig.json"), "{}");
        File.WriteAllText(Path.Combine(_folder, "App.deps.json"), "{}");
    }

    [Fact]
    public void Stamp_IsEqual_WhileTheFilesAreUnchanged() => Assert.Equal(AppFileStamp.Read(App), AppFileStamp.Read(App));

    [Theory]
    [InlineData("App.dll")]
    [InlineData("App.runtimeconfig.json")]
    [InlineData("App.deps.json")]
    public void Stamp_Changes_WhenAFileTheRuntimeBindsToAtStartIsRewritten(string file)
    {
        var before = AppFileStamp.Read(App);

        File.SetLastWriteTimeUtc(Path.Combine(_folder, file), DateTime.UtcNow.AddMinutes(1));

        Assert.NotEqual(before, AppFileStamp.Read(App));
    }

    [Fact]
    public void Stamp_OfAnApphost_CoversTheAssemblyBesideIt()
    {
        var apphost = Path.Combine(_folder, "App");
        File.WriteAllText(apphost, "elf");
        var before = AppFileStamp.Read(apphost);

        File.WriteAllText(App, "new il");

        Assert.NotEqual(before, AppFileStamp.Read(apphost));
    }

    [Fact]
    public void Stamp_Changes_WhenAFileAppears()
    {
        File.Delete(Path.Combine(_folder, "App.deps.json"));
        var before = AppFileStamp.Read(App);

        File.WriteAllText(Path.Combine(_folder, "App.deps.json"), "{}");

        Assert.NotEqual(before, AppFileStamp.Read(App));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
