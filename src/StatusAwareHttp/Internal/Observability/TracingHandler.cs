using System.Diagnostics;

namespace StatusAwareHttp.Internal;

/// <summary>
/// Outermost handler: one <c>StatusAwareHttp</c> span per logical request, around every redirect hop, answered
/// challenge, cache lookup and retry, so the spans of <c>System.Net.Http</c> nest under it and a cache hit has a
/// span too. Costs nothing when no listener samples the source.
/// </summary>
/// <remarks>
/// Of kind <see cref="ActivityKind.Internal"/>, not Client. The OpenTelemetry HTTP semantic conventions ("HTTP client
/// span", semantic-conventions <c>docs/http/http-spans.md</c>) ask for an HTTP client span per attempt to send a
/// request over the wire, which <c>System.Net.Http</c> makes for each request the primary handler sends, and say
/// instrumentations "SHOULD NOT (also) emit a logical encompassing HTTP client span". A tool that counts Client spans
/// then counts each wire request once, and a request the cache answered counts none, while this span still shows it.
/// </remarks>
internal sealed class TracingHandler : DelegatingHandler
{
    private readonly string _clientName;

    public TracingHandler(string clientName)
    {
        _clientName = clientName;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Not traced: no state machine of its own, the pass-through costs one call.
        var activity = Start(request);
        return activity is null ? base.SendAsync(request, cancellationToken) : SendTracedAsync(activity, request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendTracedAsync(Activity activity, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Stop(activity, response, null);
            return response;
        }
        catch (Exception ex)
        {
            Stop(activity, null, ex);
            throw;
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var activity = Start(request);
        if (activity is null)
        {
            return base.Send(request, cancellationToken);
        }

        try
        {
            var response = base.Send(request, cancellationToken);
            Stop(activity, response, null);
            return response;
        }
        catch (Exception ex)
        {
            Stop(activity, null, ex);
            throw;
        }
    }

    private Activity? Start(HttpRequestMessage request)
    {
        var source = StatusAwareTracing.Source;
        if (!source.HasListeners())
        {
            return null;
        }

        var method = request.Method.Method;
        var activity = source.StartActivity(method, ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(StatusAwareTracing.Method, method);
            activity.SetTag(StatusAwareTracing.ClientName, _clientName);
            if (request.RequestUri is { } uri)
            {
                activity.SetTag(StatusAwareTracing.UrlFull, UriRedaction.Redact(uri));
                if (uri.IsAbsoluteUri)
                {
                    activity.SetTag(StatusAwareTracing.ServerAddress, uri.IdnHost);
                    activity.SetTag(StatusAwareTracing.ServerPort, uri.Port);
                }
            }
        }

        return activity;
    }

    private static void Stop(Activity activity, HttpResponseMessage? response, Exception? exception)
    {
        if (activity.IsAllDataRequested)
        {
            if (response is not null)
            {
                var status = (int)response.StatusCode;
                activity.SetTag(StatusAwareTracing.StatusCode, status);
                if (status >= 400)
                {
                    activity.SetTag(StatusAwareTracing.ErrorType, StatusAwareTracing.StatusText(status));
                    activity.SetStatus(ActivityStatusCode.Error);
                }

                if (response.Headers.NonValidated.TryGetValues("Cache-Status", out var values))
                {
                    activity.SetTag(StatusAwareTracing.CacheStatus, values.ToArray());
                    if (response.GetCacheStatus() is { } cache)
                    {
                        activity.SetTag(StatusAwareTracing.CacheHit, cache.Hit);
                        if (cache.Forwarded)
                        {
                            activity.SetTag(StatusAwareTracing.CacheForward, StatusAwareTracing.ForwardText(cache.ForwardReason));
                        }
                    }
                }
            }
            else if (exception is not null)
            {
                activity.SetTag(StatusAwareTracing.ErrorType, StatusAwareTracing.ErrorTypeOf(exception));
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        activity.Stop();
    }
}
