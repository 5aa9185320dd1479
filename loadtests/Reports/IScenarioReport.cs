namespace ClusterHost.LoadTests.Reports;

/// <summary>What every scenario's report offers: the text for a person and its one-line verdict.</summary>
internal interface IScenarioReport
{
    /// <summary>One line a person can check against the table above it.</summary>
    string Verdict { get; }

    /// <summary>Writes the report, ending with the verdict.</summary>
    void WriteTo(TextWriter writer);
}
