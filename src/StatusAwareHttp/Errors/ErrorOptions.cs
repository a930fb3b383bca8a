namespace StatusAwareHttp.Errors;

/// <summary>Options of the typed errors for 4xx and 5xx statuses.</summary>
public sealed class ErrorOptions
{
    /// <summary>Gets or sets a value indicating whether error handling (typed errors, the 505 fallback) is on. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;
}
