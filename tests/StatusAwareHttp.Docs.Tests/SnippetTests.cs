using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StatusAwareHttp.Tests.Infrastructure;

namespace StatusAwareHttp.Docs.Tests;

/// <summary>
/// Every C# block of README.md, docs/ and the package READMEs compiles as written (see <see cref="Snippet"/> for what
/// "as written" means), and the README's quick starts run against an origin on 127.0.0.1 in place of the example host.
/// </summary>
public sealed class SnippetTests
{
    public static TheoryData<string> Blocks()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in Snippet.All())
        {
            data.Add(snippet.ToString());
        }

        return data;
    }

    [Fact]
    public void The_docs_have_blocks_to_compile()
    {
        var all = Snippet.All();
        Assert.True(all.Count >= 15, $"only {all.Count} C# blocks found under {Snippet.Root}");
        Assert.Contains(all, s => s.File == "README.md");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void A_block_compiles_as_written(string where)
    {
        var all = Snippet.All();
        var snippet = all.Single(s => s.ToString() == where);

        var (_, errors) = SnippetCompiler.Compile(snippet.Program(all), "Snippet");

        Assert.True(errors.Count == 0, $"{where} does not compile:\n{string.Join('\n', errors)}\n--- the block as compiled:\n{snippet.Program(all)}");
    }

    [Fact]
    public void A_block_that_does_not_compile_is_reported()
    {
        // The compiler behind the test above fails on what a reader could not compile either (a missing using line).
        var (assembly, errors) = SnippetCompiler.Compile("var services = new ServiceCollection();", "Broken");

        Assert.Null(assembly);
        Assert.Contains(errors, e => e.Id == "CS0246");
    }

    [Fact]
    public async Task The_factory_quick_start_runs_against_a_loopback_origin()
    {
        await using var origin = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/orders/42", () => Results.Redirect("/orders/42/current"));
            app.MapGet("/orders/42/current", () => "order 42");
        });
        var quickStart = Snippet.All().First(s => s.File == "README.md" && s.Code.Contains("IHttpClientFactory", StringComparison.Ordinal));

        var output = await RunAsync(quickStart.Code.Replace("https://api.example.org/", origin.BaseAddress.AbsoluteUri, StringComparison.Ordinal));

        Assert.Contains(origin.Url("/orders/42/current").AbsoluteUri, output, StringComparison.Ordinal);
        Assert.True(output.Contains("StatusCode = Found", StringComparison.Ordinal), "the hop is printed by the snippet: " + output);
        Assert.Equal(1, origin.CountFor("/orders/42/current"));
    }

    [Fact]
    public async Task The_no_di_quick_start_runs()
    {
        var quickStart = Snippet.All().First(s => s.File == "README.md" && s.Code.Contains("StatusAwareHttpHandler.Create", StringComparison.Ordinal));

        await RunAsync(quickStart.Code);
    }

    private static async Task<string> RunAsync(string program)
    {
        var (assembly, errors) = SnippetCompiler.Compile(program, "QuickStart");
        Assert.True(assembly is not null, string.Join('\n', errors));
        var console = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            await SnippetCompiler.RunAsync(assembly);
        }
        finally
        {
            Console.SetOut(console);
        }

        return output.ToString();
    }
}
