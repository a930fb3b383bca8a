using System.Text.Json;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>Reads RFC 9457 problem details from JSON bytes. Pure; no reflection (the DOM reader only).</summary>
internal static class ProblemParser
{
    public const string MediaType = "application/problem+json";

    /// <summary>Whether a Content-Type media type is <c>application/problem+json</c> (§3; parameters ignored, case-insensitive).</summary>
    public static bool IsProblemMediaType(string? mediaType) =>
        string.Equals(mediaType, MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The problem, or <see langword="null"/> when the bytes are not one JSON object in valid UTF-8 (never throws).</summary>
    public static HttpProblem? TryParse(ReadOnlySpan<byte> json)
    {
        // RFC 8259 §8.1: JSON text is UTF-8. Invalid bytes make it no document (the JSON reader would throw on reading
        // such a string), so the body stays only the excerpt.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!JsonDocument.TryParseValue(ref reader, out var parsed) || parsed is null)
            {
                return null;
            }

            document = parsed;
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            // §3: a problem details object is a JSON object.
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var type = "about:blank";
            string? title = null, detail = null, instance = null;
            int? status = null;
            Dictionary<string, JsonElement>? extensions = null;

            foreach (var member in document.RootElement.EnumerateObject())
            {
                var value = member.Value;
                switch (member.Name)
                {
                    // §3.1: a member whose value has the wrong type is ignored, as if it were absent.
                    case "type":
                        if (value.ValueKind == JsonValueKind.String)
                        {
                            type = value.GetString()!;
                        }

                        break;
                    case "title":
                        title = value.ValueKind == JsonValueKind.String ? value.GetString() : title;
                        break;
                    case "detail":
                        detail = value.ValueKind == JsonValueKind.String ? value.GetString() : detail;
                        break;
                    case "instance":
                        instance = value.ValueKind == JsonValueKind.String ? value.GetString() : instance;
                        break;
                    case "status":
                        // §3.1.2: a JSON number; an HTTP status is a three-digit integer.
                        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number is >= 100 and <= 999)
                        {
                            status = number;
                        }

                        break;
                    default:
                        // §3.2: anything else is an extension member; Clone() detaches it from the disposed document.
                        (extensions ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[member.Name] = value.Clone();
                        break;
                }
            }

            return new HttpProblem(type, title, status, detail, instance, extensions is null ? s_noExtensions : extensions);
        }
    }

    private static readonly IReadOnlyDictionary<string, JsonElement> s_noExtensions = new Dictionary<string, JsonElement>(0);
}
