using CsCheck;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Tests.Properties;

/// <summary>The runner every property here uses: the same cases on every run, and a failure that names its seed.</summary>
public sealed class FixedSeedPropertyTests
{
    [Fact]
    public void Two_runs_check_the_same_cases()
    {
        var first = new List<long>();
        var second = new List<long>();
        Gen.Long.Check(first.Add, 200);
        Gen.Long.Check(second.Add, 200);

        Assert.Equal(first, second);
        Assert.True(first.Distinct().Count() > 190);
    }

    [Fact]
    public void A_failing_case_names_the_seed_that_reproduces_it()
    {
        var failure = Assert.Throws<PropertyFailedException>(() => Gen.Int[0, 1000].Check(i => i < 900, 1000));

        Assert.Contains("reproduce it alone with seed \"", failure.Message, StringComparison.Ordinal);
        var seed = failure.Message.Split('"')[1];
        var reproduced = 0;
        Gen.Int[0, 1000].Sample(i => reproduced = i, seed: seed, iter: 1, threads: 1);
        Assert.True(reproduced >= 900, $"the seed {seed} gave {reproduced}");
    }
}
