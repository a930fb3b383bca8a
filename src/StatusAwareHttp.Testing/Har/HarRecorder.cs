using StatusAwareHttp.Testing.Har;

namespace StatusAwareHttp.Testing;

/// <summary>
/// Records what a client sends to its origin and what the origin answers, as HAR 1.2. Its handler sits between the
/// library's handlers and the socket handler, so it records the wire: the conditional requests the cache makes and
/// the 304s they get, the ranges and their 206s, each retry, each redirect hop. With <c>IHttpClientFactory</c>:
/// <c>.AddStatusHandling().AddHttpMessageHandler(() =&gt; recorder.CreateHandler())</c> (the library's handlers always
/// sit in front of the app's); without: <c>StatusAwareHttpHandler.Create(recorder.CreateHandler(new SocketsHttpHandler()))</c>.
/// </summary>
/// <remarks>
/// Credentials never reach the file: the fields of <see cref="HarRecorderOptions.SensitiveHeaders"/> are left out, the
/// values of <see cref="HarRecorderOptions.SensitiveQueryParameters"/> are written as <c>REDACTED</c>, cookies are not
/// listed. Bodies are not scrubbed. The handler buffers each response body (to record it) before it returns it, and
/// writes the body decoded (gzip, deflate, br), as HAR's <c>content.text</c> is. A request that fails without a
/// response (a refused or cut connection) is recorded with status 0, which replay skips. Thread-safe; any number of
/// handlers of one recorder add to the same log.
/// </remarks>
public sealed class HarRecorder
{
    private readonly List<(long Sequence, HarEntry Entry)> _entries = [];
    private long _sequence;

    /// <summary>Creates a recorder with <paramref name="options"/>.</summary>
    /// <param name="options">What to leave out and which clock to read; <see langword="null"/> for the defaults.</param>
    public HarRecorder(HarRecorderOptions? options = null)
    {
        Options = options ?? new HarRecorderOptions();
    }

    /// <summary>Gets the options the recorder was made with.</summary>
    public HarRecorderOptions Options { get; }

    /// <summary>Gets the number of entries recorded so far.</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Creates a handler that records into this recorder. Without <paramref name="innerHandler"/>, the handler's inner
    /// handler is set by its owner (<c>AddHttpMessageHandler</c>). A <see cref="SocketsHttpHandler"/> or
    /// <see cref="HttpClientHandler"/> given as <paramref name="innerHandler"/> has its own redirect following turned
    /// off, so each hop reaches the recorder and the library's redirect rules.
    /// </summary>
    /// <param name="innerHandler">The handler that sends the requests; <see langword="null"/> (the default) for none yet.</param>
    /// <returns>A new handler; disposing it disposes <paramref name="innerHandler"/>.</returns>
    public DelegatingHandler CreateHandler(HttpMessageHandler? innerHandler = null)
    {
        switch (innerHandler)
        {
            case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                sockets.AllowAutoRedirect = false;
                break;
            case HttpClientHandler { AllowAutoRedirect: true } client:
                client.AllowAutoRedirect = false;
                break;
        }

        var handler = new RecordingHandler(this);
        if (innerHandler is not null)
        {
            handler.InnerHandler = innerHandler;
        }

        return handler;
    }

    /// <summary>The entries recorded so far, in the order their requests started, as a recording.</summary>
    /// <returns>A recording that no later request changes.</returns>
    public HarRecording ToRecording()
    {
        List<HarEntry?> entries;
        lock (_entries)
        {
            entries = [.. _entries.OrderBy(e => e.Sequence).Select(e => e.Entry)];
        }

        var log = new HarLog
        {
            Version = "1.2",
            Creator = new HarCreator { Name = "StatusAwareHttp.Testing", Version = typeof(HarRecorder).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" },
            Entries = entries,
        };

        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new HarDocument { Log = log }, HarJsonContext.Default.HarDocument);
        return HarRecording.Parse(bytes);
    }

    /// <summary>Writes the entries recorded so far to a file (created or replaced) as HAR 1.2.</summary>
    /// <param name="path">The <c>.har</c> file.</param>
    public void Save(string path) => ToRecording().Save(path);

    internal long Begin() => Interlocked.Increment(ref _sequence);

    internal void Add(long sequence, HarEntry entry)
    {
        lock (_entries)
        {
            _entries.Add((sequence, entry));
        }
    }
}
