using StatusAwareHttp.Caching.Distributed.Internal;
using StatusAwareHttp.Caching.Internal;

namespace StatusAwareHttp.Tests.Distributed;

public sealed class DistributedCacheKeysTests
{
    [Fact]
    public void Key_is_prefix_client_name_and_a_hash_without_the_uri()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.org/orders?token=s3cret");
        var cacheKey = CacheKeys.ForGet(request.RequestUri!, request.Headers);

        var key = DistributedCacheKeys.For("StatusAwareHttp:", "api", cacheKey);

        Assert.StartsWith("StatusAwareHttp:api:", key, StringComparison.Ordinal);
        Assert.Equal("StatusAwareHttp:api:".Length + DistributedCacheKeys.HashChars, key.Length);
        Assert.DoesNotContain("s3cret", key, StringComparison.Ordinal);
        Assert.DoesNotContain("orders", key, StringComparison.Ordinal);
        Assert.Equal(key, DistributedCacheKeys.For("StatusAwareHttp:", "api", cacheKey));
    }

    [Fact]
    public void Client_names_and_credential_partitions_get_different_keys()
    {
        var uri = new Uri("https://api.example.org/orders");
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, uri);
        using var alice = new HttpRequestMessage(HttpMethod.Get, uri);
        alice.Headers.TryAddWithoutValidation("Authorization", "Bearer alice");
        using var bob = new HttpRequestMessage(HttpMethod.Get, uri);
        bob.Headers.TryAddWithoutValidation("Authorization", "Bearer bob");

        var keys = new[]
        {
            DistributedCacheKeys.For("p:", "api", CacheKeys.ForGet(uri, anonymous.Headers)),
            DistributedCacheKeys.For("p:", "api", CacheKeys.ForGet(uri, alice.Headers)),
            DistributedCacheKeys.For("p:", "api", CacheKeys.ForGet(uri, bob.Headers)),
            DistributedCacheKeys.For("p:", "other", CacheKeys.ForGet(uri, anonymous.Headers)),
        };

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, k => Assert.DoesNotContain("alice", k, StringComparison.Ordinal));
    }

    [Fact]
    public void Long_keys_hash_the_same_way()
    {
        var longKey = "GET https://api.example.org/" + new string('x', 5000);

        var key = DistributedCacheKeys.For("p:", "api", longKey);

        Assert.Equal("p:api:".Length + DistributedCacheKeys.HashChars, key.Length);
        Assert.NotEqual(key, DistributedCacheKeys.For("p:", "api", longKey + "y"));
    }
}
