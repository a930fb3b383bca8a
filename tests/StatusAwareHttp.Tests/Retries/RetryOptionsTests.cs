using Microsoft.Extensions.Options;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Retries;

public sealed class RetryOptionsTests
{
    [Fact]
    public void The_defaults()
    {
        var options = new RetryOptions();

        Assert.True(options.Enabled);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal([408, 429, 502, 503, 504], options.StatusCodes.Order());
        Assert.Equal(TimeSpan.FromSeconds(1), options.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(100), options.TimeLimit);
        Assert.True(options.RetryPostWithIdempotencyKey);
        Assert.Equal(0.2, options.BudgetRatio);
        Assert.Equal(10, options.BudgetSize);
        Assert.True(options.UseOriginGate);
    }

    public static TheoryData<string, Action<RetryOptions>> Invalid() => new()
    {
        { "MaxRetries", o => o.MaxRetries = 11 },
        { "MaxRetries", o => o.MaxRetries = -1 },
        { "BaseDelay", o => o.BaseDelay = TimeSpan.FromMinutes(6) },
        { "BaseDelay", o => o.BaseDelay = TimeSpan.FromSeconds(-1) },
        { "MaxRetryAfter", o => o.MaxRetryAfter = TimeSpan.FromDays(2) },
        { "TimeLimit", o => o.TimeLimit = TimeSpan.Zero },
        { "BudgetRatio", o => o.BudgetRatio = 1.5 },
        { "BudgetSize", o => o.BudgetSize = 0 },
        { "StatusCodes", o => o.StatusCodes.Add(200) },
        { "StatusCodes", o => o.StatusCodes.Add(302) },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_values_are_refused_at_start_up(string field, Action<RetryOptions> change)
    {
        var error = Assert.Throws<OptionsValidationException>(() => TestClient.Create(o => change(o.Retries)));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }
}
