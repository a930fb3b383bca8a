using System.Net.Http.Headers;
using StatusAwareHttp.Downloads.Internal;

namespace StatusAwareHttp.Tests.Downloads;

public sealed class SidecarTests
{
    private static readonly Uri Uri = new("https://files.example/report.pdf?token=secret");

    [Fact]
    public void Format_and_parse_round_trip_an_etag_and_keep_the_query_off_disk()
    {
        var sidecar = Sidecar.For(Uri, new ResumeValidator(new EntityTagHeaderValue("\"abc\""), null), 1234);

        var text = sidecar.Format(Uri);
        var parsed = Sidecar.Parse(text);

        Assert.Equal(sidecar, parsed);
        Assert.True(parsed!.IsFor(Uri));
        Assert.False(parsed.IsFor(new Uri("https://files.example/report.pdf?token=other")));
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.Contains("etag: \"abc\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_and_parse_round_trip_a_date_without_length()
    {
        var sidecar = Sidecar.For(Uri, new ResumeValidator(null, DownloadTestData.LastModified), null);

        var parsed = Sidecar.Parse(sidecar.Format(Uri));

        Assert.Equal(sidecar, parsed);
        Assert.Null(parsed!.TotalLength);
    }

    [Theory]
    [InlineData("")]
    [InlineData("something else\nuri-sha256: ab\netag: \"a\"\n")]
    [InlineData("StatusAwareHttp download v1\netag: \"a\"\n")]
    [InlineData("StatusAwareHttp download v1\nuri-sha256: ab\n")]
    [InlineData("StatusAwareHttp download v1\nuri-sha256: ab\netag: W/\"a\"\n")]
    [InlineData("StatusAwareHttp download v1\nuri-sha256: ab\netag: \"a\"\nlength: -1\n")]
    [InlineData("StatusAwareHttp download v1\nuri-sha256: ab\nlast-modified: yesterday\n")]
    [InlineData("StatusAwareHttp download v1\nuri-sha256: ab\netag: \"a\"\nlast-modified: Tue, 02 Jan 2024 03:04:05 GMT\n")]
    [InlineData("StatusAwareHttp download v1\nuri-sha256: ab\netag: \"a\"\nbroken line\n")]
    public void Parse_refuses_damaged_or_foreign_text(string text) => Assert.Null(Sidecar.Parse(text));

    [Fact]
    public async Task WriteAsync_replaces_the_sidecar_whole_and_leaves_no_temporary_file()
    {
        using var dir = new TempDir();
        var path = Sidecar.PathFor(dir.File("a.bin"));
        var first = Sidecar.For(Uri, new ResumeValidator(new EntityTagHeaderValue("\"1\""), null), 10);
        var second = first with { TotalLength = 20 };

        await first.WriteAsync(path, Uri, CancellationToken.None);
        await second.WriteAsync(path, Uri, CancellationToken.None);
        var (exists, read) = await Sidecar.ReadAsync(path, CancellationToken.None);

        Assert.True(exists);
        Assert.Equal(second, read);
        Assert.Equal([path], Directory.GetFiles(dir.Path));
        Sidecar.Delete(path);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
