namespace StatusAwareHttp.TestPeer.Redis;

/// <summary>The Redis coordination's modes, whose arguments are <c>key=value</c> (<see cref="PeerArguments"/>).</summary>
internal static class RedisModes
{
    public static async Task<int> RunAsync(string mode, string[] args)
    {
        if (!PeerArguments.TryParse(args, out var arguments))
        {
            await Console.Error.WriteLineAsync($"usage: {mode} key=value... (see Program.cs)");
            return 2;
        }

        return mode == "farm" ? await FarmMode.RunAsync(arguments) : await ExitMode.RunAsync(arguments);
    }
}
