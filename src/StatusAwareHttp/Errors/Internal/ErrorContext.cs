using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace StatusAwareHttp.Errors.Internal;

/// <summary>
/// What turning a response into an <see cref="HttpStatusException"/> needs from the client: its error options, its
/// clock, its logger and metrics. The errors handler puts it on error responses' requests; other responses get defaults.
/// </summary>
internal sealed class ErrorContext
{
    public static readonly HttpRequestOptionsKey<ErrorContext> Key = new("StatusAwareHttp.ErrorContext");

    public static readonly ErrorContext Default = new(new ErrorOptions(), TimeProvider.System, NullLogger.Instance, metrics: null);

    public ErrorContext(ErrorOptions options, TimeProvider time, ILogger logger, ErrorMetrics? metrics)
    {
        Options = options;
        Time = time;
        Logger = logger;
        Metrics = metrics;
    }

    public ErrorOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public ErrorMetrics? Metrics { get; }

    public static ErrorContext From(HttpResponseMessage response) =>
        response.RequestMessage is { } request && request.Options.TryGetValue(Key, out var context) ? context : Default;

    public void AttachTo(HttpRequestMessage request) => request.Options.Set(Key, this);
}
