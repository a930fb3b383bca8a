using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusAwareHttp.Authentication.Internal;
using StatusAwareHttp.Caching.Internal;
using StatusAwareHttp.Deprecation.Internal;
using StatusAwareHttp.Errors.Internal;
using StatusAwareHttp.Redirects.Internal;
using StatusAwareHttp.Retries.Internal;

namespace StatusAwareHttp.Internal;

/// <summary>
/// Builds one client's handlers, outermost first: tracing, throw-on-error (opt-in), redirects, deprecation notices,
/// authentication, cache, retries, errors. A concern switched off adds no handler.
/// </summary>
internal static class StatusHandlingPipeline
{
    public static List<DelegatingHandler> CreateHandlers(string clientName, StatusHandlingOptions options, IServiceProvider services)
    {
        var handlers = new List<DelegatingHandler>(8);
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        var errorContext = options.Errors.Enabled
            ? new ErrorContext(options.Errors, services.GetRequiredService<TimeProvider>(), loggerFactory.CreateLogger<ErrorHandler>(), services.GetRequiredService<ErrorMetrics>().For(clientName))
            : null;

        // 1. Tracing: outermost of all, so the one span per logical request covers every hop, retry and cache hit.
        handlers.Add(new TracingHandler(clientName));

        // 2. Errors.ThrowOnErrorStatus (opt-in): outside the status handlers, so it throws only for the 4xx/5xx that the
        //    redirects, authentication, cache and retries are done with (a 401 answered or a 503 retried never
        //    throws), and before HttpClient buffers the body, so only the excerpt of an error body is read.
        if (errorContext is not null && options.Errors.ThrowOnErrorStatus)
        {
            handlers.Add(new ThrowOnErrorHandler(errorContext));
        }

        var deprecation = options.Deprecation.Enabled
            ? new DeprecationObserver(
                options.Deprecation,
                services.GetRequiredKeyedService<DeprecationMemory>(clientName),
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<DeprecationMetrics>().For(clientName),
                loggerFactory.CreateLogger<DeprecationHandler>())
            : null;

        // 3. Redirects: the outermost status handler, so a cached 301 costs no round trip and every hop goes through
        //    the cache.
        if (options.Redirects.Enabled)
        {
            handlers.Add(new RedirectHandler(
                options.Redirects,
                services.GetRequiredService<RedirectMetrics>().For(clientName),
                loggerFactory.CreateLogger<RedirectHandler>(),
                options.SensitiveHeaders,
                deprecation,
                options.Cache.MaxQueryContentBytes));
        }

        // 4. Deprecation notices (RFC 9745, RFC 8594): inside the redirects, so each hop is judged under its own route
        //    (the deprecated URI that redirects to its successor is the one named); outside the cache, so a stored
        //    response is judged against the clock of the request that reads it (its sunset may have passed since);
        //    outside the authentication, so an answered 401 counts once. With redirects on, the redirect handler
        //    observes each hop in its own frame (no handler, no allocation of its own); else a handler of its own.
        if (deprecation is not null && !options.Redirects.Enabled)
        {
            handlers.Add(new DeprecationHandler(deprecation));
        }

        // 5. Authentication (401): outside the cache, so the cache sees the credentials it partitions by.
        //    Only when something can answer a challenge: with nothing set, a 401 passes untouched at no cost.
        var authentication = options.Authentication;
        if (authentication.Enabled && CreateResponder(clientName, authentication, services) is { } responder)
        {
            handlers.Add(new AuthenticationHandler(
                authentication,
                responder,
                services.GetRequiredService<AuthenticationMetrics>().For(clientName),
                loggerFactory.CreateLogger<AuthenticationHandler>()));
        }

        // 6. Cache: outside the retries, so it can serve stale once the retries gave up.
        if (options.Cache.Enabled)
        {
            handlers.Add(CachingHandler.Create(clientName, options.Cache, services, loggerFactory, options.SensitiveHeaders));
        }

        // 7. Retries: inside the cache, next to the network. The gate and the budget outlive the handler (per client name).
        if (options.Retries.Enabled)
        {
            handlers.Add(new RetryHandler(
                clientName,
                options.Retries,
                services.GetRequiredKeyedService<ClientRetryState>(clientName).Configure(options.Retries),
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<RetryMetrics>().For(clientName),
                loggerFactory.CreateLogger<RetryHandler>(),
                options.Cache.MaxQueryContentBytes));
        }

        // 8. Errors and the 505 fallback: innermost, next to the primary handler, so a 505 to HTTP/2 is sent again as
        //    HTTP/1.1 before the retries or the cache see it.
        if (errorContext is not null)
        {
            handlers.Add(new ErrorHandler(errorContext));
        }

        return handlers;
    }

    private static IChallengeResponder? CreateResponder(string clientName, AuthenticationOptions options, IServiceProvider services)
    {
        // The cross validator allows one of the three.
        if (options.Authenticator is { } authenticator)
        {
            return new CustomResponder(authenticator);
        }

        if (options.BearerTokenProvider is { } provider)
        {
            return new BearerResponder(provider, services.GetRequiredKeyedService<BearerRefreshCoordinator>(clientName));
        }

        return options.Credentials is { } credentials ? new CredentialResponder(credentials, options.AllowBasicOverHttp) : null;
    }
}
