using System.Text.Json;
using System.Text.Json.Serialization;

namespace StatusAwareHttp.Testing.Har;

/// <summary>
/// The HAR model's JSON, generated at build time (no reflection, trimming- and AOT-safe). Reading is lenient as browsers
/// write: names in any case, numbers also as strings, comments and trailing commas skipped, unknown fields ignored.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    MaxDepth = 64)]
[JsonSerializable(typeof(HarDocument))]
internal sealed partial class HarJsonContext : JsonSerializerContext
{
}
