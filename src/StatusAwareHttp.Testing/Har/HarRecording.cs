using System.IO.Compression;
using System.Text.Json;
using StatusAwareHttp.Testing.Har;

namespace StatusAwareHttp.Testing;

/// <summary>
/// A HAR 1.2 log (the format Chrome, Firefox, Playwright and <see cref="HarRecorder"/> write), read and checked for
/// replay. Reading is lenient as browsers write: unknown fields (<c>pages</c>, <c>_initiator</c>, ...) are ignored,
/// content in base64 is decoded, a byte-order mark is skipped. Entries with no response (status 0) and entries for other
/// schemes than http and https are kept in the file but not replayed.
/// </summary>
public sealed class HarRecording
{
    private readonly HarLog _log;

    internal HarRecording(HarLog log, IReadOnlyList<HarExchange> exchanges)
    {
        _log = log;
        Exchanges = exchanges;
        StartedAt = exchanges.Count == 0 ? null : exchanges.Min(e => e.Started);
    }

    /// <summary>Gets the number of entries replay can serve.</summary>
    public int Count => Exchanges.Count;

    /// <summary>
    /// Gets the start of the earliest entry (its <c>startedDateTime</c>), the instant replay maps to the test clock's
    /// now; <see langword="null"/> when the log has no entry to replay.
    /// </summary>
    public DateTimeOffset? StartedAt { get; }

    internal IReadOnlyList<HarExchange> Exchanges { get; }

    /// <summary>Reads a HAR log from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <returns>The recording.</returns>
    /// <exception cref="HarFormatException">The bytes are not a HAR log replay can use; the message says where.</exception>
    public static HarRecording Parse(ReadOnlySpan<byte> utf8Json)
    {
        var (log, exchanges) = HarLogReader.Read(utf8Json);
        return new HarRecording(log, exchanges);
    }

    /// <summary>
    /// Reads a HAR log from a file: a <c>.har</c> file, whose bodies Playwright may have saved beside it
    /// (<c>recordHar</c> with <c>content: "attach"</c>, <c>content._file</c>), or a <c>.zip</c> holding one <c>.har</c>
    /// and its bodies (Playwright's <c>recordHar</c> to a <c>.zip</c>). Bodies read so are put in the log, so
    /// <see cref="Save"/> writes a file that stands alone.
    /// </summary>
    /// <param name="path">The <c>.har</c> or <c>.zip</c> file.</param>
    /// <returns>The recording.</returns>
    /// <exception cref="HarFormatException">The file is not a HAR log replay can use (or a body it names is missing); the message says where.</exception>
    public static HarRecording Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            return LoadZip(path);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var (log, exchanges) = HarLogReader.Read(File.ReadAllBytes(path), name =>
        {
            var file = Path.Combine(folder, name);
            return File.Exists(file) ? File.ReadAllBytes(file) : null;
        });
        return new HarRecording(log, exchanges);
    }

    private static HarRecording LoadZip(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var har = zip.Entries.Where(e => e.FullName.EndsWith(".har", StringComparison.OrdinalIgnoreCase)).ToList();
            if (har.Count != 1)
            {
                throw new HarFormatException($"The zip {Path.GetFileName(path)} holds {har.Count} .har files; a HAR zip holds one.");
            }

            var (log, exchanges) = HarLogReader.Read(Bytes(har[0]), name => zip.GetEntry(name) is { } entry ? Bytes(entry) : null);
            return new HarRecording(log, exchanges);
        }
        catch (InvalidDataException ex)
        {
            throw new HarFormatException($"{Path.GetFileName(path)} is not a zip: {ex.Message}", ex);
        }
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Writes the log as indented UTF-8 JSON (HAR 1.2) to <paramref name="utf8Json"/>.</summary>
    /// <param name="utf8Json">The stream to write to; left open.</param>
    public void WriteTo(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        JsonSerializer.Serialize(utf8Json, new HarDocument { Log = _log }, HarJsonContext.Default.HarDocument);
    }

    /// <summary>Writes the log to a file (created or replaced), as <see cref="WriteTo"/> does.</summary>
    /// <param name="path">The <c>.har</c> file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.Create(path);
        WriteTo(file);
    }

    /// <summary>Lists the entries replay serves, one line each (<c>#3 GET /items?page=2 -> 200</c>).</summary>
    /// <returns>The list, or <c>(no entries)</c>.</returns>
    public override string ToString() =>
        Exchanges.Count == 0 ? "(no entries)" : string.Join(Environment.NewLine, Exchanges.Select(e => $"{e.Describe()} -> {e.Status}"));
}
