using System.Reflection;
using StatusAwareHttp.Redis;
using StatusAwareHttp.Sqlite;
using StatusAwareHttp.Testing;

namespace StatusAwareHttp.Docs.Tests;

/// <summary>
/// Public namespaces a user can guess: each package's public types sit in one namespace (the core's in
/// <c>StatusAwareHttp</c>, so <c>using StatusAwareHttp;</c> reaches all it shows), its registrations in
/// <c>Microsoft.Extensions.DependencyInjection</c> beside <c>AddHttpClient</c>.
/// </summary>
public sealed class NamespaceTests
{
    public static TheoryData<string, string> Packages() => new()
    {
        { typeof(StatusAwareHttpHandler).Assembly.GetName().Name!, "StatusAwareHttp" },
        { typeof(SqliteHttpCacheOptions).Assembly.GetName().Name!, "StatusAwareHttp.Sqlite" },
        { typeof(RedisCoordinationOptions).Assembly.GetName().Name!, "StatusAwareHttp.Redis" },
        { typeof(TestOrigin).Assembly.GetName().Name!, "StatusAwareHttp.Testing" },
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void A_packages_public_types_sit_in_its_namespace_or_beside_AddHttpClient(string assembly, string expected)
    {
        var types = Assembly.Load(assembly).GetExportedTypes();

        var elsewhere = types.Where(t => t.Namespace != expected && t.Namespace != "Microsoft.Extensions.DependencyInjection").Select(t => t.FullName).ToList();

        Assert.NotEmpty(types);
        Assert.True(elsewhere.Count == 0, $"{assembly} has public types outside {expected}: {string.Join(", ", elsewhere)}");
    }
}
