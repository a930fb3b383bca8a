using System.Text.Json.Serialization;

namespace StatusAwareHttp.Testing.Har;

/// <summary>The root object of a HAR file: <c>{"log": {...}}</c>.</summary>
internal sealed class HarDocument
{
    [JsonPropertyName("log")]
    public HarLog? Log { get; set; }
}

/// <summary>
/// HAR 1.2 <c>log</c>. Only what replay and recording need is modelled; the fields other tools add (<c>pages</c>,
/// <c>browser</c>, Chrome's and Playwright's <c>_</c> fields) are skipped when read.
/// </summary>
internal sealed class HarLog
{
    public string? Version { get; set; }

    public HarCreator? Creator { get; set; }

    public List<HarEntry?>? Entries { get; set; }

    public string? Comment { get; set; }
}

/// <summary>HAR 1.2 <c>creator</c>: the application that wrote the file.</summary>
internal sealed class HarCreator
{
    public string? Name { get; set; }

    public string? Version { get; set; }
}
