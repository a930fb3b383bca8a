// An app instance for the Redis coordination tests, started by them as "dotnet StatusAwareHttp.Redis.Peer.dll <mode> key=value...".
//
// farm: one instance of a farm, a client "farm" with UseRedisCoordination() (when coordinate=on) on a cache store.
//   keys: redis=<configuration> coordinate=<on|off> peer=<id> lease=<ms> warmup=<url> [store=<distributed|memory>]
//         [op=<OperationTimeout ms>] [wait=<WaitTime ms>] [prewarm=on: a GET through the same handlers without the farm
//         first, so that the warm-up GET's time is what the farm adds, not the JIT]
//   stdin: "get <url> <n>" (n concurrent GETs, each body read whole), one command per line, run as they come; the end of
//          stdin ends the instance (its services disposed, exit code 0).
//   stdout: "#ready <ms of the warm-up GET>" once warmed up, "#got <ok> <failed> <ms>" per command, "#error <type>:
//           <message>" per failure (among the logs, which start otherwise).
// exit: an app's life from start to exit with UseRedisCoordination(), for the exit code and stderr.
//   keys: redis=<configuration> dispose=<using|await-using|host> [request=<url>]
using StatusAwareHttp.Redis.Peer;

if (args.Length < 1 || !PeerArguments.TryParse(args.AsSpan(1), out var arguments))
{
    await Console.Error.WriteLineAsync("usage: StatusAwareHttp.Redis.Peer <farm|exit> key=value...");
    return 2;
}

return args[0] switch
{
    "farm" => await FarmMode.RunAsync(arguments),
    "exit" => await ExitMode.RunAsync(arguments),
    _ => 2,
};
