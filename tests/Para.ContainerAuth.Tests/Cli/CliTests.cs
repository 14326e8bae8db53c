extern alias tui;

using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Para.ContainerAuth.Tests.Infrastructure;
using tui::Para.Tui.Cli;

namespace Para.ContainerAuth.Tests.Cli;

/// <summary>The <c>para</c> commands against the service on a loopback port, the way a user runs them.</summary>
[Collection(DockerCollection.Name)]
public sealed class CliTests(DockerFixture docker)
{
    [Fact]
    public async Task Auth_setup_shows_progress_then_status_verify_and_lists_tell_the_result()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        using var cli = ServeForCli(host);
        var (setupExit, setupOut, _) = await RunAsync("auth", "setup", "--account", "alice");
        Assert.Equal(0, setupExit);
        Assert.Contains("[####################] 100%  done", setupOut, StringComparison.Ordinal);
        Assert.Contains("commit", setupOut, StringComparison.Ordinal);

        var (statusExit, statusOut, _) = await RunAsync("auth", "status");
        Assert.Equal(0, statusExit);
        Assert.Contains("alice", statusOut, StringComparison.Ordinal);

        var (verifyExit, verifyOut, _) = await RunAsync("verify", host.AuthenticatedImage);
        Assert.Equal(0, verifyExit);
        Assert.Contains("ok    check-command", verifyOut, StringComparison.Ordinal);

        var (failExit, _, failErr) = await RunAsync("verify", host.AuthenticatedImage, "--command", "exit 7");
        Assert.Equal(1, failExit);
        Assert.Equal($"para: image {host.AuthenticatedImage} failed verification", failErr.Trim());

        var (listExit, listOut, _) = await RunAsync("images", "list");
        Assert.Equal(0, listExit);
        Assert.Contains(host.AuthenticatedImage, listOut, StringComparison.Ordinal);

        var (conflictExit, _, conflictErr) = await RunAsync("auth", "setup", "--account", "alice");
        Assert.Equal(1, conflictExit);
        Assert.Single(conflictErr.Trim().Split('\n'));
        Assert.StartsWith("para: Already authenticated: ", conflictErr, StringComparison.Ordinal);
        Assert.DoesNotContain("{", conflictErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reauth_all_containers_and_cleanup_commands_print_each_outcome()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:DefaultAccount"] = "alice");
        await host.TagBaseImageAsync();
        await host.Engine.TagImageAsync(docker.UserBaseImage, $"{host.Prefix}dev:latest", CancellationToken.None);
        using var cli = ServeForCli(host);
        var (reauthExit, reauthOut, _) = await RunAsync("auth", "reauth-all", "--parallel", "2");
        Assert.Equal(0, reauthExit);
        Assert.Contains($"ok      image     {host.Prefix}dev:latest → {host.Prefix}dev-authenticated:latest", reauthOut, StringComparison.Ordinal);
        Assert.Contains("2 succeeded, 0 failed", reauthOut, StringComparison.Ordinal);

        await docker.StartSessionAsync(host.AuthenticatedImage, $"{host.Prefix}session");
        var (reauthContainerExit, _, _) = await RunAsync("containers", "reauth", $"{host.Prefix}session", "--restart");
        Assert.Equal(0, reauthContainerExit);
        var (listExit, listOut, _) = await RunAsync("containers", "list");
        Assert.Equal(0, listExit);
        Assert.Matches($@"{host.Prefix}session\s+running\s+valid", listOut);

        var (dryExit, dryOut, _) = await RunAsync("auth", "cleanup", "--dry-run");
        Assert.Equal(0, dryExit);
        Assert.Contains($"would remove image {host.Prefix}dev-authenticated:latest", dryOut, StringComparison.Ordinal);
        Assert.NotNull(await host.Engine.FindImageAsync($"{host.Prefix}dev-authenticated:latest", CancellationToken.None));
    }

    /// <summary>
    /// Serves the host on a real 127.0.0.1 port and points the in-process CLI at it (address and
    /// admin key through the environment, as a user's shell would); disposing clears both.
    /// </summary>
    private static IDisposable ServeForCli(ContainerAuthHost host)
    {
        host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        host.StartServer();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Environment.SetEnvironmentVariable("Para__Client__ContainerAuthAddress", address);
        Environment.SetEnvironmentVariable("Para__Client__AdminKey", ContainerAuthHost.Key);
        return new CliEnvironment();
    }

    private sealed class CliEnvironment : IDisposable
    {
        public void Dispose()
        {
            Environment.SetEnvironmentVariable("Para__Client__ContainerAuthAddress", null);
            Environment.SetEnvironmentVariable("Para__Client__AdminKey", null);
        }
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ParaCommandLine.InvokeAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
