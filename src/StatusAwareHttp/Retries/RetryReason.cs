namespace StatusAwareHttp;

/// <summary>Why an outcome is worth another attempt, as <see cref="RetryContext.Reason"/> gives it.</summary>
public enum RetryReason
{
    /// <summary>Not a transient failure: handed back (a response) or rethrown (an exception). Never shown to the retry hooks.</summary>
    None = 0,

    /// <summary>A response whose status is in <see cref="RetryOptions.StatusCodes"/> (<see cref="RetryContext.Response"/> is set).</summary>
    Status,

    /// <summary>A connection that failed or dropped before a response (<see cref="RetryContext.Exception"/> is set).</summary>
    ConnectionFailure,
}
