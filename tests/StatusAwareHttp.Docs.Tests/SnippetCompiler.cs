using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StatusAwareHttp.Docs.Tests;

/// <summary>
/// Compiles a block as the Program.cs of a console app with Roslyn, against the assemblies this test runs with (the
/// framework, ASP.NET Core, the three StatusAwareHttp packages and the packages the docs name), with the implicit
/// usings of <c>Microsoft.NET.Sdk</c> and nullable reference types on, as a new project has them.
/// </summary>
internal static class SnippetCompiler
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static (byte[]? Assembly, IReadOnlyList<Diagnostic> Errors) Compile(string program, string name)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(ImplicitUsings, options, path: "GlobalUsings.g.cs"),
            CSharpSyntaxTree.ParseText(program, options, path: "Program.cs"),
        };
        // A block of statements is a console program; a block of types alone (a test class) is a library.
        var statements = ((CompilationUnitSyntax)trees[1].GetRoot()).Members.OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            name,
            trees,
            References.Value,
            new CSharpCompilationOptions(statements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        return (result.Success ? stream.ToArray() : null, errors);
    }

    /// <summary>Runs a compiled program's entry point (awaited when it is async) in a collectible load context.</summary>
    public static async Task RunAsync(byte[] assembly)
    {
        var context = new AssemblyLoadContext("snippet", isCollectible: true);
        try
        {
            var loaded = context.LoadFromStream(new MemoryStream(assembly));
            var entry = loaded.EntryPoint ?? throw new InvalidOperationException("the snippet has no entry point");
            var arguments = entry.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() };
            object? result;
            try
            {
                result = entry.Invoke(null, arguments);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }

            if (result is Task task)
            {
                await task;
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return [.. paths
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
