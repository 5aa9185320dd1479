using ClusterHost.LoadTests.Reports;

namespace ClusterHost.LoadTests.Tests.Reports;

public sealed class TextTableTests
{
    [Fact]
    public void WriteTo_AlignsColumns_NumbersRight()
    {
        var writer = new StringWriter { NewLine = "\n" };

        new TextTable("worker", "requests", "note").Add(0, 5, "a").Add(12, 1234, "longer").WriteTo(writer, indent: "");

        Assert.Equal(
            "worker  requests  note\n" +
            "     0         5  a\n" +
            "    12      1234  longer\n",
            writer.ToString());
    }

    [Fact]
    public void Add_WrongNumberOfCells_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TextTable("a", "b").Add(1));
    }
}
