using System.Text.Json.Serialization;

namespace StatusAwareHttp.Testing.Har;

/// <summary>HAR 1.2 <c>entry</c>: one request and the response it got.</summary>
internal sealed class HarEntry
{
    /// <summary>ISO 8601 date and time the request started, kept as written and read by <see cref="HarLogReader"/>.</summary>
    public string? StartedDateTime { get; set; }

    /// <summary>Milliseconds from the start of the request to the end of the response (<c>-1</c> when unknown).</summary>
    public double Time { get; set; }

    public HarRequest? Request { get; set; }

    public HarResponse? Response { get; set; }

    public HarCache? Cache { get; set; }

    public HarTimings? Timings { get; set; }

    [JsonPropertyName("serverIPAddress")]
    public string? ServerIpAddress { get; set; }

    public string? Comment { get; set; }
}

/// <summary>HAR 1.2 <c>cache</c>: written empty (the recording is of the wire, below any cache).</summary>
internal sealed class HarCache
{
}

/// <summary>HAR 1.2 <c>timings</c>, in milliseconds; <c>-1</c> for a phase that does not apply or is not known.</summary>
internal sealed class HarTimings
{
    public double Blocked { get; set; } = -1;

    public double Dns { get; set; } = -1;

    public double Connect { get; set; } = -1;

    public double Send { get; set; }

    public double Wait { get; set; }

    public double Receive { get; set; }

    public double Ssl { get; set; } = -1;
}
