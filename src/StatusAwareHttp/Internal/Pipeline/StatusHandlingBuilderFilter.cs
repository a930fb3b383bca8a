using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StatusAwareHttp.Internal;

/// <summary>
/// Runs after every configuration action of a client (so also after a <c>ConfigurePrimaryHttpMessageHandler</c>
/// that came later than <c>AddStatusHandling</c>): turns the primary handler's own redirect following off and puts
/// the library's handlers outermost, in their fixed order.
/// </summary>
internal sealed class StatusHandlingBuilderFilter : IHttpMessageHandlerBuilderFilter
{
    private readonly ResilienceHandlerCheck _resilience = new();

    private readonly IOptions<StatusHandlingClients> _clients;
    private readonly IOptionsMonitor<StatusHandlingOptions> _options;
    private readonly ILogger<StatusHandlingBuilderFilter> _logger;

    public StatusHandlingBuilderFilter(
        IOptions<StatusHandlingClients> clients,
        IOptionsMonitor<StatusHandlingOptions> options,
        ILogger<StatusHandlingBuilderFilter> logger)
    {
        _clients = clients;
        _options = options;
        _logger = logger;
    }

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return builder =>
        {
            next(builder);

            var name = builder.Name ?? Options.DefaultName;
            if (!_clients.Value.Names.Contains(name))
            {
                return;
            }

            var options = _options.Get(name);
            DisableAutoRedirect(builder.PrimaryHandler, name);
            var handlers = StatusHandlingPipeline.CreateHandlers(name, options, builder.Services);
            for (var i = handlers.Count - 1; i >= 0; i--)
            {
                builder.AdditionalHandlers.Insert(0, handlers[i]);
            }

            _resilience.Check(name, options, builder.AdditionalHandlers, _logger);
        };
    }

    private void DisableAutoRedirect(HttpMessageHandler primary, string clientName) =>
        PrimaryHandlerRedirects.Disable(primary, clientName, _logger);
}
