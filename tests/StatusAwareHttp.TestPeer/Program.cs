// The second process of the tests: an app instance of its own, started by the tests through PeerProcess
// (tests/StatusAwareHttp.TestSupport) as "dotnet StatusAwareHttp.TestPeer.dll <mode> args...". It registers its client
// through the public API, as an app would, and says what the test needs as "#key=value" lines (or "#key" alone, a
// signal) on stdout, among its logs (PeerOutput.cs). Stderr gets only what the runtime writes of an unhandled
// exception, which the start-up and exit tests assert is nothing.
//
// mode             args                                           says
// core (StatusAwareHttp):
// distributed-get  <redis configuration> <url>                    #status, #cache-status, #body, #done; then waits for
//                                                                 the end of stdin (so that the test sees the entry in Redis)
// distributed-lines <redis configuration> <memory front ms>       #ready; then per stdin line "METHOD url" (a method
//                                                                 other than GET sends "change"): #result=<status> <body>
// lifecycle        <memory|distributed|no-di-memory|no-di-distributed> <using|await-using|host|no-dispose> <url|->
//                  [redis configuration]                          #status (when a url is given), #exited
// SQLite (StatusAwareHttp.Sqlite), on the file <file>, with the test client's name "test":
// get              <file> <url>                                   #status, #age ("-" without Age), #cache-status, #body
// get-range        <file> <url> <range>                           #status, #content-range, #cache-status, #sha256 of the body
// download         <file> <url> <path>                            #length, #fetched, #start (DownloadResult), #sha256 of the file
// write            <file> <base url> <prefix> <count> <writers>   #ready, then on a line of stdin: #failed
// churn            <file> <bytes>                                 #ready after the first write, then writes until killed
// lifetime         <file> <base url> <using|await-using|host|return|exit>   #fetch-ms
// hold             <file>                                         #ready while it holds the write lock, until a line on stdin
// dispose-held     <file> <base url> <flush ms> <using|await-using>          #fetch-ms, #dispose-ms
// post-churn       <file> <base url> <seed> <urls> <operations> <tasks>      #ready, then on a line of stdin one #get or
//                                                                 #post per exchange (PostChurnJob.cs)
// Redis coordination (StatusAwareHttp.Redis), arguments key=value:
// farm             redis= coordinate=<on|off> peer= warmup=<url> [lease=<ms>] [op=<ms>] [wait=<ms>]
//                  [store=<distributed|memory>] [prewarm=<on|off>]  #ready=<ms of the warm-up GET>; then per stdin line
//                                                                 "get <url> <n>": #got=<ok> <failed> <ms>, #error per failure
// exit             redis= dispose=<using|await-using|host> [request=<url|none>]   #status (with a request), #exited
using StatusAwareHttp.TestPeer.Core;
using StatusAwareHttp.TestPeer.Redis;
using StatusAwareHttp.TestPeer.Sqlite;

if (args.Length == 0)
{
    await Console.Error.WriteLineAsync("usage: StatusAwareHttp.TestPeer <mode> args... (the modes are listed in Program.cs)");
    return 2;
}

var (mode, rest) = (args[0], args[1..]);
return mode switch
{
    "distributed-get" => await DistributedGetMode.RunAsync(rest),
    "distributed-lines" => await DistributedLinesMode.RunAsync(rest),
    "lifecycle" => await LifecycleMode.RunAsync(rest),
    "get" or "query" or "get-range" or "download" or "write" or "churn" or "lifetime" or "hold" or "dispose-held" or "post-churn" => await SqliteJobs.RunAsync(mode, rest),
    "farm" or "exit" => await RedisModes.RunAsync(mode, rest),
    _ => await UnknownAsync(mode),
};

static async Task<int> UnknownAsync(string mode)
{
    await Console.Error.WriteLineAsync($"unknown mode '{mode}' (the modes are listed in Program.cs)");
    return 2;
}
