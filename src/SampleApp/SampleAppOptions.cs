namespace SampleApp;

/// <summary>SampleApp settings, section <c>SampleApp</c>.</summary>
internal sealed class SampleAppOptions
{
    public const string SectionName = "SampleApp";

    /// <summary>Maps the fault endpoints (/delay, /cpu, /block, /crash, /leak) and /work (a request of a chosen CPU cost). Defaults to false: they answer 404.</summary>
    public bool EnableFaults { get; set; }

    /// <summary>With <see cref="EnableFaults"/>, throws during startup. Defaults to false.</summary>
    public bool FailAtStartup { get; set; }

    /// <summary>With <see cref="EnableFaults"/>, never finishes starting, so the app is never ready. Defaults to false.</summary>
    public bool HangAtStartup { get; set; }
}
