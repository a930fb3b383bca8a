namespace StatusAwareHttp.Retries;

/// <summary>Options of the retries of transient failures (503, 504 and others).</summary>
public sealed class RetryOptions
{
    /// <summary>Gets or sets a value indicating whether transient failures are retried. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;
}
