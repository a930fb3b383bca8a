using System.IO.Compression;
using System.Text;

namespace StatusAwareHttp.Testing.Tests.Har;

/// <summary>Reading the HAR files browsers and Playwright write, writing them back, and the one exception bad input gets.</summary>
public sealed class HarReadingTests
{
    [Fact]
    public void A_chrome_file_reads_with_its_extra_fields_ignored_and_its_base64_body_decoded()
    {
        var recording = HarRecording.Parse(Encoding.UTF8.GetBytes(HarSamples.Chrome));

        var entry = Assert.Single(recording.Exchanges);
        Assert.Equal("GET", entry.Method);
        Assert.Equal("/items?page=2&sort=name", entry.Url.PathAndQuery);
        Assert.Equal("{\"items\":[1,2]}", Encoding.UTF8.GetString(entry.ResponseBody));
        Assert.Equal("\"v1\"", entry.ResponseHeader("ETag"));
        Assert.DoesNotContain(entry.RequestHeaders, h => h.Key.StartsWith(':'));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, 123, TimeSpan.Zero), recording.StartedAt);
    }

    [Fact]
    public void A_firefox_file_reads_and_its_request_without_a_response_is_not_replayed()
    {
        var recording = HarRecording.Parse(Encoding.UTF8.GetBytes(HarSamples.Firefox));

        var entry = Assert.Single(recording.Exchanges);
        Assert.Equal("POST", entry.Method);
        Assert.Equal("{\"q\":\"tea\"}", Encoding.UTF8.GetString(entry.RequestBody!));
        Assert.Equal(201, entry.Status);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), recording.StartedAt);
    }

    [Fact]
    public void A_playwright_file_reads_its_304_and_leaves_the_data_url_out()
    {
        var recording = HarRecording.Parse(Encoding.UTF8.GetBytes(HarSamples.Playwright));

        var entry = Assert.Single(recording.Exchanges);
        Assert.Equal(304, entry.Status);
        Assert.Empty(entry.ResponseBody);
        Assert.Equal("\"abc\"", entry.RequestHeader("if-none-match"));
    }

    [Fact]
    public void An_interim_response_such_as_a_websocket_upgrade_is_not_replayed()
    {
        const string json = """
            {"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[
              {"startedDateTime":"2026-03-01T10:00:00Z","time":1,"request":{"method":"GET","url":"https://a.example/socket","httpVersion":"HTTP/1.1","headers":[{"name":"Upgrade","value":"websocket"}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
               "response":{"status":101,"statusText":"Switching Protocols","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{"size":0,"mimeType":"x-unknown"},"redirectURL":"","headersSize":-1,"bodySize":0},
               "cache":{},"timings":{"send":0,"wait":1,"receive":0},"_resourceType":"websocket","_webSocketMessages":[{"type":"send","time":1.5,"opcode":1,"data":"hi"}]}]}}
            """;

        Assert.Equal(0, HarRecording.Parse(Encoding.UTF8.GetBytes(json)).Count);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(HarSamples.Chrome)).ToArray();

        Assert.Equal(1, HarRecording.Parse(bytes).Count);
    }

    [Fact]
    public void A_file_written_reads_back_to_the_same_exchanges()
    {
        var recording = HarRecording.Parse(Encoding.UTF8.GetBytes(HarSamples.Chrome));
        using var stream = new MemoryStream();

        recording.WriteTo(stream);
        var again = HarRecording.Parse(stream.ToArray());

        var (a, b) = (recording.Exchanges[0], again.Exchanges[0]);
        Assert.Equal(a.Url, b.Url);
        Assert.Equal(a.Started, b.Started);
        Assert.Equal(a.ResponseBody, b.ResponseBody);
        Assert.Equal(a.ResponseHeaders, b.ResponseHeaders);
        Assert.Equal(a.RequestHeaders, b.RequestHeaders);
    }

    [Theory]
    [InlineData("", "not a valid HAR")]
    [InlineData("null", "no \"log\" object")]
    [InlineData("[]", "not a valid HAR")]
    [InlineData("{\"log\":{}}", "no \"entries\" array")]
    [InlineData("{\"log\":{\"entries\":[null]}}", "log.entries[0] is null")]
    [InlineData("{\"log\":{\"entries\":[{\"response\":{\"status\":200}}]}}", "log.entries[0] has no request")]
    [InlineData("{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"/relative\"},\"response\":{\"status\":200},\"startedDateTime\":\"2026-01-01T00:00:00Z\"}]}}", "log.entries[0].request.url is not an absolute URL")]
    [InlineData("{\"log\":{\"entries\":[{\"request\":{\"method\":\"G T\",\"url\":\"http://a/\"},\"response\":{\"status\":200},\"startedDateTime\":\"2026-01-01T00:00:00Z\"}]}}", "log.entries[0].request.method is not an HTTP method")]
    [InlineData("{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://a/\"},\"response\":{\"status\":200},\"startedDateTime\":\"yesterday\"}]}}", "log.entries[0].startedDateTime")]
    [InlineData("{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://a/\"},\"response\":{\"status\":42},\"startedDateTime\":\"2026-01-01T00:00:00Z\"}]}}", "log.entries[0].response.status is 42")]
    [InlineData("{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://a/\"},\"response\":{\"status\":200,\"content\":{\"text\":\"%%\",\"encoding\":\"base64\"}},\"startedDateTime\":\"2026-01-01T00:00:00Z\"}]}}", "log.entries[0].response.content.text is not valid base64")]
    [InlineData("{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://a/\"},\"response\":{\"status\":200,\"content\":{\"text\":\"x\",\"encoding\":\"rot13\"}},\"startedDateTime\":\"2026-01-01T00:00:00Z\"}]}}", "log.entries[0].response.content.encoding is \"rot13\"")]
    [InlineData("{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://a/\"},\"response\":{\"status\":200,\"headers\":[{\"name\":\"X\",\"value\":\"a\\r\\nInjected: 1\"}]},\"startedDateTime\":\"2026-01-01T00:00:00Z\"}]}}", "log.entries[0].response.headers[0].value holds a control character")]
    [InlineData("{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://a/\"},\"response\":{\"status\":200},\"startedDateTime\":\"2026-01-01T00:00:00Z\",\"time\":1e999}]}}", "log.entries[0].time is not a finite number")]
    [InlineData("{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://a/\"},\"response\":{\"status\":\"two hundred\"},\"startedDateTime\":\"2026-01-01T00:00:00Z\"}]}}", "not a valid HAR")]
    public void Bad_input_gets_a_har_format_exception_naming_the_fault(string json, string expected)
    {
        var error = Assert.Throws<HarFormatException>(() => HarRecording.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_on_disk_is_loaded_and_saved()
    {
        var path = Path.Combine(Path.GetTempPath(), $"har-{Guid.NewGuid():N}.har");
        try
        {
            File.WriteAllText(path, HarSamples.Playwright);
            var recording = HarRecording.Load(path);
            recording.Save(path);

            Assert.Equal(1, HarRecording.Load(path).Count);
            Assert.Contains("\"version\": \"1.2\"", File.ReadAllText(path), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const string Attached = """
        {"log":{"version":"1.2","creator":{"name":"Playwright","version":"1.49.0"},"entries":[
          {"startedDateTime":"2026-03-01T12:00:00.000Z","time":1,
           "request":{"method":"GET","url":"http://127.0.0.1:5000/data.json","httpVersion":"HTTP/1.1","cookies":[],"headers":[],"queryString":[],"headersSize":-1,"bodySize":0},
           "response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","cookies":[],"headers":[{"name":"Content-Type","value":"application/json"}],
             "content":{"size":7,"mimeType":"application/json","_file":"FILE"},"headersSize":-1,"bodySize":7,"redirectURL":""},
           "cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}
        """;

    [Fact]
    public void A_playwright_body_saved_beside_the_file_is_read_and_saved_inline()
    {
        var folder = Directory.CreateTempSubdirectory("har-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "75a3f.json"), "[1,2,3]");
            File.WriteAllText(Path.Combine(folder, "session.har"), Attached.Replace("FILE", "75a3f.json", StringComparison.Ordinal));

            var recording = HarRecording.Load(Path.Combine(folder, "session.har"));
            File.Delete(Path.Combine(folder, "75a3f.json"));
            recording.Save(Path.Combine(folder, "alone.har"));

            Assert.Equal("[1,2,3]", Encoding.UTF8.GetString(recording.Exchanges[0].ResponseBody));
            Assert.Equal("[1,2,3]", Encoding.UTF8.GetString(HarRecording.Load(Path.Combine(folder, "alone.har")).Exchanges[0].ResponseBody));
            Assert.DoesNotContain("_file", File.ReadAllText(Path.Combine(folder, "alone.har")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_playwright_zip_is_read_with_its_bodies()
    {
        var path = Path.Combine(Path.GetTempPath(), $"har-{Guid.NewGuid():N}.zip");
        try
        {
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            {
                using (var writer = new StreamWriter(zip.CreateEntry("har.har").Open()))
                {
                    writer.Write(Attached.Replace("FILE", "b1.json", StringComparison.Ordinal));
                }

                using (var writer = new StreamWriter(zip.CreateEntry("b1.json").Open()))
                {
                    writer.Write("{\"a\":1}");
                }
            }

            Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(HarRecording.Load(path).Exchanges[0].ResponseBody));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("b1.json", "names \"b1.json\", a body saved beside the file: read it with HarRecording.Load")]
    [InlineData("../secret", "is \"../secret\", not a file name")]
    public void A_body_saved_beside_the_file_needs_the_file_and_a_plain_name(string file, string expected)
    {
        var error = Assert.Throws<HarFormatException>(() => HarRecording.Parse(Encoding.UTF8.GetBytes(Attached.Replace("FILE", file, StringComparison.Ordinal))));

        Assert.Contains("log.entries[0].response.content._file", error.Message, StringComparison.Ordinal);
        if (file.StartsWith("..", StringComparison.Ordinal))
        {
            var folder = Directory.CreateTempSubdirectory("har-").FullName;
            try
            {
                File.WriteAllText(Path.Combine(folder, "s.har"), Attached.Replace("FILE", file, StringComparison.Ordinal));
                error = Assert.Throws<HarFormatException>(() => HarRecording.Load(Path.Combine(folder, "s.har")));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
