namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>A theory that is skipped, saying why, when redis-server is not installed (CI always installs it).</summary>
public sealed class RedisTheoryAttribute : TheoryAttribute
{
    public RedisTheoryAttribute()
    {
        if (!RedisServer.IsInstalled)
        {
            Skip = $"{RedisServer.Binary} is not installed (apt-get install redis-server; .ci/run does it).";
        }
    }
}
