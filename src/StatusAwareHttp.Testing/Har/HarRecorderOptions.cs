namespace StatusAwareHttp.Testing;

/// <summary>What a <see cref="HarRecorder"/> leaves out of the file and which clock it reads.</summary>
public sealed class HarRecorderOptions
{
    /// <summary>
    /// Gets the header fields left out of the file, request and response alike (names in any case). Default: the
    /// library's sensitive headers (<see cref="StatusHandlingOptions.SensitiveHeaders"/>: <c>Authorization</c>,
    /// <c>Proxy-Authorization</c>, <c>Cookie</c>, <c>X-Api-Key</c>, <c>Api-Key</c>, <c>X-Auth-Token</c>,
    /// <c>X-Access-Token</c>) and <c>Set-Cookie</c>. The HAR <c>cookies</c> arrays are always written empty.
    /// </summary>
    public ISet<string> SensitiveHeaders { get; } = CreateSensitiveHeaders();

    /// <summary>
    /// Gets the query parameters whose values are written as <c>REDACTED</c>, in the request URL and in the URLs of
    /// <c>Location</c>, <c>Content-Location</c> and <c>Referer</c>, query and fragment (names in any case; the name
    /// stays, and replay matches a <c>REDACTED</c> value with any value). Default: <c>access_token</c>, <c>id_token</c>,
    /// <c>refresh_token</c>, <c>token</c>, <c>api_key</c>, <c>apikey</c>, <c>api-key</c>, <c>key</c>,
    /// <c>client_secret</c>, <c>secret</c>, <c>password</c>, <c>sig</c>, <c>signature</c>, <c>X-Amz-Signature</c>,
    /// <c>X-Amz-Credential</c>, <c>X-Amz-Security-Token</c>. The user information of a URL (<c>user:password@</c>) is
    /// always left out.
    /// </summary>
    public ISet<string> SensitiveQueryParameters { get; } = new HashSet<string>(
        ["access_token", "id_token", "refresh_token", "token", "api_key", "apikey", "api-key", "key", "client_secret", "secret",
         "password", "sig", "signature", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the clock of each entry's <c>startedDateTime</c> and timings: give it the clock the client and the
    /// origin share (a <c>FakeTimeProvider</c> in a test) so the entries' times agree with the responses' <c>Date</c>.
    /// Default: <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    private static HashSet<string> CreateSensitiveHeaders()
    {
        var names = new HashSet<string>(new StatusHandlingOptions().SensitiveHeaders, StringComparer.OrdinalIgnoreCase) { "Set-Cookie" };
        return names;
    }
}
