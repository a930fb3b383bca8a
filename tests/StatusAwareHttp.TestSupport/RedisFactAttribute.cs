namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>A fact that is skipped, saying why, when redis-server is not installed (CI always installs it).</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (!RedisServer.IsInstalled)
        {
            Skip = $"{RedisServer.Binary} is not installed (apt-get install redis-server; .ci/run does it).";
        }
    }
}
