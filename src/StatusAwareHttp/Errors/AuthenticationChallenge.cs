namespace StatusAwareHttp;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> (or <c>Proxy-Authenticate</c>) field (RFC 9110 §11.3, §11.6.1): an
/// auth-scheme with either a token68 or a list of auth-params.
/// </summary>
public sealed class AuthenticationChallenge
{
    internal AuthenticationChallenge(string scheme, string? token68, IReadOnlyDictionary<string, string> parameters)
    {
        Scheme = scheme;
        Token68 = token68;
        Parameters = parameters;
    }

    /// <summary>Gets the auth-scheme as the server wrote it (compare it case-insensitively, RFC 9110 §11.1).</summary>
    public string Scheme { get; }

    /// <summary>Gets the token68 that follows the scheme, or <see langword="null"/> when the challenge has auth-params instead.</summary>
    public string? Token68 { get; }

    /// <summary>
    /// Gets the auth-params, names compared case-insensitively (§11.2), quoted values unquoted. When a name occurs
    /// more than once (which §11.2 forbids), the first value is kept. Empty when there are none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Gets the <c>realm</c> parameter (§11.5), or <see langword="null"/>.</summary>
    public string? Realm => Parameters.TryGetValue("realm", out var realm) ? realm : null;

    /// <summary>Gets whether the scheme is <paramref name="scheme"/>, ignoring case.</summary>
    /// <param name="scheme">A scheme name such as <c>Digest</c>.</param>
    /// <returns><see langword="true"/> when the names match.</returns>
    public bool IsScheme(string scheme) => string.Equals(Scheme, scheme, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override string ToString()
    {
        if (Token68 is not null)
        {
            return Scheme + " " + Token68;
        }

        if (Parameters.Count == 0)
        {
            return Scheme;
        }

        return Scheme + " " + string.Join(", ", Parameters.Select(p => p.Key + "=\"" + p.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));
    }
}
