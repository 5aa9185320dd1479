using System.Globalization;

namespace ClusterHost.LoadTests.Reports;

/// <summary>How reports write numbers: durations a person reads at a glance, lists of workers.</summary>
internal static class Format
{
    /// <summary>"0.4 ms", "4.2 ms", "38 ms", "2.0 s".</summary>
    public static string Duration(double milliseconds) => milliseconds switch
    {
        >= 999.5 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000:0.0} s"),
        >= 10 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0.0} ms"),
    };

    /// <summary>"worker 2" or "workers 0,1,3".</summary>
    public static string Workers(IEnumerable<int> workers)
    {
        var list = workers.Order().ToList();
        return list.Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"worker {list[0]}")
            : $"workers {string.Join(',', list.Select(w => w.ToString(CultureInfo.InvariantCulture)))}";
    }

    public static string Percent(int part, int whole) =>
        whole == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0}%");
}
