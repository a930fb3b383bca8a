using System.Net.Sockets;

namespace StatusAwareHttp.Tests.Infrastructure;

public sealed class RedisServerTests
{
    [RedisFact]
    public async Task Starts_answers_and_dies_when_killed()
    {
        await using var redis = await RedisServer.StartAsync();
        Assert.True(redis.IsRunning);

        await redis.KillAsync();

        Assert.False(redis.IsRunning);
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", redis.Port));

        await redis.StartAsync();
        Assert.True(redis.IsRunning);
    }
}
