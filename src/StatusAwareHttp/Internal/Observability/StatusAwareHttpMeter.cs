using System.Diagnostics.Metrics;

namespace StatusAwareHttp.Internal;

/// <summary>The one <see cref="Meter"/> of the library, named <c>StatusAwareHttp</c>, made by <see cref="IMeterFactory"/>.</summary>
internal sealed class StatusAwareHttpMeter
{
    public const string Name = "StatusAwareHttp";

    public StatusAwareHttpMeter(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(Name);
    }

    public Meter Meter { get; }
}
