using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StatusAwareHttp.Internal;

/// <summary>
/// Warns, once per client name, when a client both retries with this library and has a Polly resilience handler of
/// Microsoft.Extensions.Http.Resilience (<c>AddStandardResilienceHandler</c>, <c>AddResilienceHandler</c>) among its
/// handlers: both retry, so their attempts multiply. Found by the handler's type name, so the library takes no
/// dependency on that package.
/// </summary>
internal sealed class ResilienceHandlerCheck
{
    private const string ResilienceNamespace = "Microsoft.Extensions.Http.Resilience";

    private readonly ConcurrentDictionary<string, byte> _warned = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="handler"/> is one of Microsoft.Extensions.Http.Resilience's handlers.</summary>
    public static bool IsResilienceHandler(DelegatingHandler handler)
    {
        for (var type = handler.GetType(); type is not null && type != typeof(DelegatingHandler); type = type.BaseType)
        {
            if (type.Namespace is { } ns && ns.StartsWith(ResilienceNamespace, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Logs the warning when our retries are on and a resilience handler is among <paramref name="handlers"/>, once per client.</summary>
    public void Check(string clientName, StatusHandlingOptions options, IEnumerable<DelegatingHandler> handlers, ILogger logger)
    {
        if (!options.Retries.Enabled || options.Retries.MaxRetries == 0 || _warned.ContainsKey(clientName))
        {
            return;
        }

        foreach (var handler in handlers)
        {
            if (IsResilienceHandler(handler))
            {
                if (_warned.TryAdd(clientName, 0))
                {
                    Log.RetriesWithResilienceHandler(logger, clientName, handler.GetType().Name);
                }

                return;
            }
        }
    }
}
