using System.Reflection;

namespace Para.Hosting;

/// <summary>
/// What Aspire.Hosting.Testing gives tests: run the AppHost's own <c>Program</c> up to
/// <c>Build()</c>, take the application it built, and start it from the test (headless, with its
/// own data folder), so tests exercise the same resource graph users run.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    private static readonly AsyncLocal<Capture?> CurrentCapture = new();

    public static async Task<DistributedApplication> CreateAsync<TAppHost>(
        Action<DistributedApplicationOptions>? configure = null,
        CancellationToken cancellationToken = default) where TAppHost : IProjectMetadata, new()
    {
        var assemblyName = Path.GetFileNameWithoutExtension(new TAppHost().ProjectPath);
        var appHost = Assembly.Load(assemblyName);
        var entryPoint = appHost.EntryPoint
            ?? throw new InvalidOperationException($"{assemblyName} has no entry point.");

        // Start the outputs the AppHost was built with, not the test runner's configuration.
        var builtWith = appHost.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        var capture = new Capture(options =>
        {
            options.Configuration ??= builtWith;
            configure?.Invoke(options);
        });
        CurrentCapture.Value = capture;
        try
        {
            var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [new[] { "--headless" }]);
            if (result is Task task)
            {
                await task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TargetInvocationException exception) when (exception.InnerException is ApplicationCapturedException)
        {
        }
        catch (ApplicationCapturedException)
        {
        }
        finally
        {
            CurrentCapture.Value = null;
        }

        return capture.Application ?? throw new InvalidOperationException($"{assemblyName} never called Build().");
    }

    internal static void OnBuilt(DistributedApplication application)
    {
        if (CurrentCapture.Value is not { } capture)
        {
            return;
        }

        application.Options.Headless = true;
        application.Options.StreamLogsToConsole = false;
        capture.Configure?.Invoke(application.Options);
        capture.Application = application;
        throw new ApplicationCapturedException();
    }

    private sealed class Capture(Action<DistributedApplicationOptions>? configure)
    {
        public Action<DistributedApplicationOptions>? Configure { get; } = configure;

        public DistributedApplication? Application { get; set; }
    }

    /// <summary>Unwinds the AppHost's <c>Program</c> once the test holds the built application.</summary>
    private sealed class ApplicationCapturedException() : Exception("The testing builder took the application.");
}
