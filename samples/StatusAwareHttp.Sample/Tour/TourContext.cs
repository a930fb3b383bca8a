namespace StatusAwareHttp.Sample.Tour;

/// <summary>What a stop runs against.</summary>
internal sealed class TourContext
{
    public TourContext(HttpClient client, IServiceProvider services, Uri origin, Uri otherOrigin, DemoOrigin demo)
    {
        Client = client;
        Services = services;
        Origin = origin;
        OtherOrigin = otherOrigin;
        Demo = demo;
    }

    /// <summary>Gets the demo client ("demo"), with AddStatusHandling() and its BaseAddress set to <see cref="Origin"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>Gets the sample's service provider (for other named clients).</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets the demo origin's address.</summary>
    public Uri Origin { get; }

    /// <summary>Gets a second origin (same routes, another port), for cross-origin stops.</summary>
    public Uri OtherOrigin { get; }

    /// <summary>Gets the demo origin, which counts the requests it received per path.</summary>
    public DemoOrigin Demo { get; }
}
