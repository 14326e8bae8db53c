using System.Diagnostics;
using System.Reflection;
using System.Xml.Linq;

namespace Para.Hosting;

/// <summary>Where a project's built assembly is, and a way to build it when it is not there yet.</summary>
internal sealed record ProjectBuildOutput(string ProjectPath, string ProjectDirectory, string AssemblyPath, string Configuration)
{
    private const string TargetFramework = "net10.0";

    public static ProjectBuildOutput For(string projectPath, string? configuration)
    {
        var fullPath = Path.GetFullPath(projectPath);
        var directory = Path.GetDirectoryName(fullPath)!;
        var assemblyName = XDocument.Load(fullPath).Descendants("AssemblyName").FirstOrDefault()?.Value
            ?? Path.GetFileNameWithoutExtension(fullPath);
        configuration ??= HostConfiguration();
        var assemblyPath = Path.Combine(directory, "bin", configuration, TargetFramework, assemblyName + ".dll");
        return new ProjectBuildOutput(fullPath, directory, assemblyPath, configuration);
    }

    public bool IsBuilt => File.Exists(AssemblyPath);

    /// <summary>Builds the project once; its output goes where <see cref="AssemblyPath"/> points.</summary>
    public async Task BuildAsync(Action<string> log, CancellationToken cancellationToken)
    {
        // Two applications in one process (parallel tests) must not build the same outputs at once.
        await BuildGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsBuilt)
            {
                await RunBuildAsync(log, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            BuildGate.Release();
        }
    }

    private static readonly SemaphoreSlim BuildGate = new(1, 1);

    private async Task RunBuildAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(DotnetHost.Path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "build", ProjectPath, "-c", Configuration, "--nologo", "-v", "q" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            log(await output.ConfigureAwait(false) + await errors.ConfigureAwait(false));
            throw new InvalidOperationException($"Building {Path.GetFileName(ProjectPath)} failed (exit code {process.ExitCode}).");
        }
    }

    private static string HostConfiguration() =>
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";
}
