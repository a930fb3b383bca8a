using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StatusAwareHttp.Caching.Distributed.Internal;

namespace StatusAwareHttp.Tests.Distributed;

/// <summary>The distributed store's Polly pipeline (timeout inside a circuit breaker), on fake time.</summary>
public sealed class StorePipelineTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_break = TimeSpan.FromMilliseconds(200); // under Polly's own 500 ms minimum: the library's range applies

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<(string Operation, Exception? Exception)> _opened = [];
    private int _closed;

    private StorePipeline Pipeline() => new(_time, s_timeout, s_break, (op, ex) => _opened.Add((op, ex)), () => _closed++);

    private static async Task<string> Run(StorePipeline pipeline, Func<CancellationToken, Task> call, string operation = "get", CancellationToken token = default)
    {
        var context = ResilienceContextPool.Shared.Get(token);
        context.Properties.Set(StorePipeline.Operation, operation);
        try
        {
            await pipeline.Pipeline.ExecuteAsync(static async (ctx, call) => await call(ctx.CancellationToken), context, call);
            return "ok";
        }
        catch (BrokenCircuitException)
        {
            return "skipped";
        }
        catch (TimeoutRejectedException)
        {
            return "timeout";
        }
        catch (OperationCanceledException)
        {
            return "cancelled";
        }
        catch (InvalidOperationException)
        {
            return "failed";
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static Task Ok(CancellationToken _) => Task.CompletedTask;

    private static Task Fail(CancellationToken _) => Task.FromException(new InvalidOperationException("down"));

    private static async Task<string> OpenAsync(StorePipeline pipeline)
    {
        await Run(pipeline, Fail);
        return await Run(pipeline, Fail);
    }

    [Fact]
    public async Task Closed_lets_every_call_through()
    {
        var pipeline = Pipeline();

        Assert.Equal("ok", await Run(pipeline, Ok));
        Assert.Equal("ok", await Run(pipeline, Ok));
        Assert.True(pipeline.IsClosed);
        Assert.Empty(_opened);
    }

    [Fact]
    public async Task One_lone_failure_does_not_open_it_two_in_a_row_do_and_it_is_logged_once()
    {
        var pipeline = Pipeline();

        Assert.Equal("failed", await Run(pipeline, Fail));
        Assert.True(pipeline.IsClosed);
        Assert.Equal("failed", await Run(pipeline, Fail, "set"));

        Assert.False(pipeline.IsClosed);
        var (operation, exception) = Assert.Single(_opened);
        Assert.Equal("set", operation);
        Assert.IsType<InvalidOperationException>(exception);
        Assert.Equal("skipped", await Run(pipeline, Ok));
        _time.Advance(s_break - TimeSpan.FromMilliseconds(1));
        Assert.Equal("skipped", await Run(pipeline, Ok));
        Assert.Single(_opened);
    }

    [Fact]
    public async Task Failures_spread_out_over_successes_never_open_it()
    {
        var pipeline = Pipeline();
        for (var i = 0; i < 50; i++)
        {
            await Run(pipeline, Ok);
            await Run(pipeline, Ok);
            await Run(pipeline, Fail);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(pipeline.IsClosed);
        Assert.Empty(_opened);
    }

    [Fact]
    public async Task A_hanging_call_times_out_on_the_time_provider()
    {
        var pipeline = Pipeline();
        var hang = new TaskCompletionSource();

        var run = Run(pipeline, token => hang.Task.WaitAsync(token));
        Assert.False(run.IsCompleted);
        _time.Advance(s_timeout);

        Assert.Equal("timeout", await run);
        Assert.Equal("timeout", await RunAdvancing(pipeline, token => hang.Task.WaitAsync(token)));
        var opened = Assert.Single(_opened);
        Assert.True(StorePipeline.IsTimeout(opened.Exception));
    }

    [Fact]
    public async Task After_the_break_one_call_probes_while_the_others_skip()
    {
        var pipeline = Pipeline();
        await OpenAsync(pipeline);
        _time.Advance(s_break);
        var probe = new TaskCompletionSource();

        var probing = Run(pipeline, _ => probe.Task);
        Assert.Equal("skipped", await Run(pipeline, Ok));
        Assert.Equal("skipped", await Run(pipeline, Ok));
        probe.SetResult();

        Assert.Equal("ok", await probing);
        Assert.True(pipeline.IsClosed);
        Assert.Equal(1, _closed);
        Assert.Equal("ok", await Run(pipeline, Ok));
    }

    [Fact]
    public async Task A_failed_probe_opens_it_for_another_break()
    {
        var pipeline = Pipeline();
        await OpenAsync(pipeline);
        _time.Advance(s_break);

        Assert.Equal("failed", await Run(pipeline, Fail));

        Assert.Equal(2, _opened.Count);
        Assert.Equal("skipped", await Run(pipeline, Ok));
        _time.Advance(s_break);
        Assert.Equal("ok", await Run(pipeline, Ok));
        Assert.True(pipeline.IsClosed);
    }

    [Fact]
    public async Task A_slow_success_after_it_opened_does_not_close_it()
    {
        var pipeline = Pipeline();
        var slow = new TaskCompletionSource();
        var slowRun = Run(pipeline, _ => slow.Task);
        await OpenAsync(pipeline);

        slow.SetResult();
        Assert.Equal("ok", await slowRun);

        Assert.False(pipeline.IsClosed);
        Assert.Equal("skipped", await Run(pipeline, Ok));
        Assert.Equal(0, _closed);
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_no_failure()
    {
        var pipeline = Pipeline();
        for (var i = 0; i < 5; i++)
        {
            using var cts = new CancellationTokenSource();
            var hang = new TaskCompletionSource();
            var run = Run(pipeline, token => hang.Task.WaitAsync(token), token: cts.Token);
            await cts.CancelAsync();
            Assert.Equal("cancelled", await run);
        }

        Assert.True(pipeline.IsClosed);
        Assert.Empty(_opened);
    }

    private async Task<string> RunAdvancing(StorePipeline pipeline, Func<CancellationToken, Task> call)
    {
        var run = Run(pipeline, call);
        _time.Advance(s_timeout);
        return await run;
    }
}
