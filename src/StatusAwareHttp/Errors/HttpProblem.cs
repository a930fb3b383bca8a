using System.Text.Json;

namespace StatusAwareHttp;

/// <summary>
/// A problem details object (RFC 9457) read from an <c>application/problem+json</c> body. Members whose JSON type is
/// not the one the RFC gives are ignored (§3.1); every other member is an extension.
/// </summary>
public sealed class HttpProblem
{
    internal HttpProblem(string type, string? title, int? status, string? detail, string? instance, IReadOnlyDictionary<string, JsonElement> extensions)
    {
        Type = type;
        Title = title;
        Status = status;
        Detail = detail;
        Instance = instance;
        Extensions = extensions;
    }

    /// <summary>Gets the problem type, a URI reference; <c>about:blank</c> when the member is absent (§3.1.1).</summary>
    public string Type { get; }

    /// <summary>Gets the short summary of the problem type (§3.1.3), or <see langword="null"/>.</summary>
    public string? Title { get; }

    /// <summary>Gets the status code the server put in the document (§3.1.2; advisory), or <see langword="null"/>.</summary>
    public int? Status { get; }

    /// <summary>Gets the explanation specific to this occurrence (§3.1.4), or <see langword="null"/>.</summary>
    public string? Detail { get; }

    /// <summary>Gets the URI reference of this occurrence (§3.1.5), or <see langword="null"/>.</summary>
    public string? Instance { get; }

    /// <summary>Gets the extension members (§3.2), by name, as JSON values detached from the body. Empty when there are none.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; }
}
