namespace StatusAwareHttp.Docs.Tests;

/// <summary>
/// The test sample (samples/StatusAwareHttp.Testing.Sample, run by CI against the packed StatusAwareHttp.Testing) is
/// the complete xunit example of docs/testing.md, so the example a reader copies is one that ran.
/// </summary>
public sealed class TestingSampleTests
{
    [Fact]
    public void The_test_sample_is_the_docs_xunit_example()
    {
        var block = Snippet.Read(Path.Combine(Snippet.Root, "docs", "testing.md")).Single(s => s.Name == "xunit");
        var sample = File.ReadAllText(Path.Combine(Snippet.Root, "samples", "StatusAwareHttp.Testing.Sample", "OrdersClientTests.cs"));

        var code = string.Join('\n', sample.ReplaceLineEndings("\n").Split('\n').SkipWhile(l => l.StartsWith("//", StringComparison.Ordinal)));

        Assert.Equal(block.Code.Trim(), code.Trim());
    }
}
