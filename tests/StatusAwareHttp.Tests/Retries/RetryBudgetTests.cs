using StatusAwareHttp.Retries.Internal;

namespace StatusAwareHttp.Tests.Retries;

public sealed class RetryBudgetTests
{
    [Fact]
    public void Starts_full_so_isolated_failures_are_always_retried()
    {
        var budget = new RetryBudget(size: 10, ratio: 0.2);

        Assert.Equal(10, Enumerable.Range(0, 20).Count(_ => budget.TryTakeRetry()));
    }

    [Fact]
    public void Refills_by_the_ratio_of_requests()
    {
        var budget = new RetryBudget(size: 10, ratio: 0.2);
        while (budget.TryTakeRetry())
        {
        }

        for (var i = 0; i < 4; i++)
        {
            budget.OnRequest();
        }

        Assert.False(budget.TryTakeRetry()); // 0.8 of a token
        budget.OnRequest();
        Assert.True(budget.TryTakeRetry()); // 5 requests at 20% buy one retry
        Assert.False(budget.TryTakeRetry());
    }

    [Fact]
    public void Never_holds_more_than_its_size()
    {
        var budget = new RetryBudget(size: 3, ratio: 1.0);
        for (var i = 0; i < 100; i++)
        {
            budget.OnRequest();
        }

        Assert.Equal(3, budget.Tokens);
    }

    [Fact]
    public void A_ratio_of_zero_never_refills()
    {
        var budget = new RetryBudget(size: 1, ratio: 0);
        Assert.True(budget.TryTakeRetry());
        for (var i = 0; i < 100; i++)
        {
            budget.OnRequest();
        }

        Assert.False(budget.TryTakeRetry());
    }

    [Fact]
    public void Smaller_options_shrink_the_bucket_and_keep_the_tokens_within_it()
    {
        var budget = new RetryBudget(size: 10, ratio: 0.2);

        budget.Configure(size: 2, ratio: 0.5);

        Assert.Equal(2, budget.Tokens);
        Assert.True(budget.TryTakeRetry());
        budget.OnRequest();
        Assert.Equal(1.5, budget.Tokens);
    }

    [Fact]
    public async Task Concurrent_retries_never_take_more_than_the_tokens()
    {
        var budget = new RetryBudget(size: 10, ratio: 0.2);
        var taken = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (budget.TryTakeRetry())
                {
                    Interlocked.Increment(ref taken);
                }
            }
        })));

        Assert.Equal(10, taken);
        Assert.Equal(0, budget.Tokens);
    }
}
