using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace StatusAwareHttp.Tests.Infrastructure;

/// <summary>
/// A [Fact] that runs only where Apache httpd (Debian package apache2, installed by .ci/run) is installed, and is
/// reported as skipped, with the reason, elsewhere.
/// </summary>
public sealed class ApacheFactAttribute : FactAttribute
{
    public ApacheFactAttribute()
    {
        if (ApacheDigestServer.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// Apache httpd with mod_auth_digest on a free port of 127.0.0.1, from a minimal httpd.conf this fixture writes in a
/// temporary folder: one protected folder (AuthType Digest, realm <see cref="Realm"/>, MD5, qop=auth) holding
/// <c>/private/secret.txt</c>, and an access log to count the requests it got.
/// </summary>
public sealed class ApacheDigestServer : IAsyncDisposable
{
    public const string Realm = "Status Aware";
    public const string User = "alice";
    public const string Password = "wonderland";
    public const string SecretText = "the secret";

    private const string Binary = "/usr/sbin/apache2";
    private const string Modules = "/usr/lib/apache2/modules";
    private static readonly string[] s_modules = ["mpm_prefork", "authn_core", "authn_file", "authz_core", "authz_user", "auth_digest"];

    private readonly Process _process;
    private readonly DirectoryInfo _root;

    private ApacheDigestServer(Process process, DirectoryInfo root, int port)
    {
        _process = process;
        _root = root;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>Why Apache tests cannot run here, or <see langword="null"/> when they can.</summary>
    public static string? MissingReason
    {
        get
        {
            if (!OperatingSystem.IsLinux())
            {
                return "Apache httpd tests run on Linux only.";
            }

            if (!File.Exists(Binary))
            {
                return $"Apache httpd is not installed ({Binary} is missing; .ci/run installs the Debian package apache2).";
            }

            var missing = s_modules.FirstOrDefault(m => !File.Exists(ModulePath(m)));
            return missing is null ? null : $"The Apache module {missing} is missing ({ModulePath(missing)}).";
        }
    }

    public Uri BaseAddress { get; }

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    /// <summary>The request lines and statuses of the access log, in order ("GET /private/secret.txt HTTP/1.1 401").</summary>
    public IReadOnlyList<string> AccessLog
    {
        get
        {
            var path = Path.Combine(_root.FullName, "access.log");
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }
    }

    /// <summary>
    /// The access log once it holds <paramref name="expectedLines"/> lines. Apache logs a request after it has sent the
    /// response, so the client can be done before the line is written: wait for it (up to 5 s), then a little longer
    /// so that a line too many would show as well.
    /// </summary>
    public async Task<IReadOnlyList<string>> AccessLogAsync(int expectedLines)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        while (AccessLog.Count < expectedLines && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(100);
        return AccessLog;
    }

    public static async Task<ApacheDigestServer> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("statusawarehttp-apache-");
        var docs = Directory.CreateDirectory(Path.Combine(root.FullName, "docs", "private"));
        await File.WriteAllTextAsync(Path.Combine(docs.FullName, "secret.txt"), SecretText);

        // AuthUserFile for AuthDigestProvider file: user:realm:MD5(user:realm:password) (htdigest format).
#pragma warning disable CA5351 // the format Apache reads
        var ha1 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{User}:{Realm}:{Password}")));
#pragma warning restore CA5351
        await File.WriteAllTextAsync(Path.Combine(root.FullName, "users"), $"{User}:{Realm}:{ha1}\n");

        var port = LoopbackPorts.Free();
        var config = new StringBuilder()
            .AppendLine($"ServerRoot \"{root.FullName}\"")
            .AppendLine($"Listen 127.0.0.1:{port}")
            .AppendLine("ServerName 127.0.0.1")
            .AppendLine($"PidFile \"{root.FullName}/httpd.pid\"")
            .AppendLine($"ErrorLog \"{root.FullName}/error.log\"")
            .AppendLine("LogLevel warn")
            .AppendLine($"Mutex file:{root.FullName}")
            .AppendLine($"DefaultRuntimeDir \"{root.FullName}\"")
            .AppendLine("StartServers 1")
            .AppendLine("LogFormat \"%r %>s\" requests")
            .AppendLine($"CustomLog \"{root.FullName}/access.log\" requests");
        foreach (var module in s_modules)
        {
            config.AppendLine($"LoadModule {module}_module \"{ModulePath(module)}\"");
        }

        if (Environment.UserName == "root")
        {
            // As root, httpd's children switch to an unprivileged user; the folder is made readable for it below.
            config.AppendLine("User www-data").AppendLine("Group www-data");
        }

        config
            .AppendLine($"DocumentRoot \"{root.FullName}/docs\"")
            .AppendLine($"<Directory \"{root.FullName}/docs/private\">")
            .AppendLine("  AuthType Digest")
            .AppendLine($"  AuthName \"{Realm}\"")
            .AppendLine("  AuthDigestProvider file")
            .AppendLine($"  AuthUserFile \"{root.FullName}/users\"")
            .AppendLine("  Require valid-user")
            .AppendLine("</Directory>");
        var configPath = Path.Combine(root.FullName, "httpd.conf");
        await File.WriteAllTextAsync(configPath, config.ToString());

        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root.FullName, readable);
        }

        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "-f", configPath, "-DFOREGROUND" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Without /etc/apache2/envvars; the folder of the config takes what Debian's script would set.
        start.Environment["APACHE_RUN_DIR"] = root.FullName;
        start.Environment["APACHE_LOCK_DIR"] = root.FullName;
        start.Environment["APACHE_LOG_DIR"] = root.FullName;
        start.Environment["APACHE_PID_FILE"] = Path.Combine(root.FullName, "httpd.pid");

        var process = Process.Start(start) ?? throw new InvalidOperationException("apache2 did not start.");
        var server = new ApacheDigestServer(process, root, port);
        try
        {
            await WaitForPortAsync(process, port, root);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                _root.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string ModulePath(string module) => Path.Combine(Modules, $"mod_{module}.so");

    private static async Task WaitForPortAsync(Process process, int port, DirectoryInfo root)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (process.HasExited)
            {
                var log = Path.Combine(root.FullName, "error.log");
                var errors = await process.StandardError.ReadToEndAsync();
                throw new InvalidOperationException($"apache2 exited with {process.ExitCode}: {errors} {(File.Exists(log) ? await File.ReadAllTextAsync(log) : string.Empty)}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                // Waiting for a real process to bind its port: there is no clock to fake.
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"apache2 did not listen on 127.0.0.1:{port} within 15 seconds.");
    }
}
