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
        // A para image Para has not built or authenticated: included because it is named.
        var (reauthExit, reauthOut, _) = await RunAsync("auth", "reauth-all", $"{host.Prefix}dev:latest", "--parallel", "2");
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

    [Fact]
    public async Task Reauth_all_dry_run_lists_the_plan_and_a_non_para_image_is_refused_in_one_line()
    {
        await using var host = docker.CreateHost(settings => settings["Para:ContainerAuth:DefaultAccount"] = "alice");
        await host.TagBaseImageAsync();
        await host.Engine.TagImageAsync(docker.UserBaseImage, $"{host.Prefix}dev:latest", CancellationToken.None);
        await host.Engine.TagImageAsync(docker.UserBaseImage, $"{host.Prefix}other:latest", CancellationToken.None);
        using var cli = ServeForCli(host);

        var (dryExit, dryOut, _) = await RunAsync("auth", "reauth-all", "--dry-run", $"{host.Prefix}dev:latest");

        Assert.Equal(0, dryExit);
        Assert.Equal(
            [
                $"would reauth  base      {host.BaseImage} → {host.AuthenticatedImage}",
                $"would reauth  image     {host.Prefix}dev:latest → {host.Prefix}dev-authenticated:latest",
                $"would skip    image     {host.Prefix}other:latest (not managed by Para; name it to include it)",
                "2 item(s) with the credentials of alice, 1 skipped",
            ],
            dryOut.Trim().Split('\n').Select(line => line.TrimEnd()));
        Assert.Null(await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None));

        var (refusedExit, _, refusedErr) = await RunAsync("auth", "reauth-all", DockerFixture.TestBaseImage);
        Assert.Equal(1, refusedExit);
        Assert.Equal(
            $"para: Invalid request: {DockerFixture.TestBaseImage} is not a para image: reauth-all only writes images named {host.Prefix}*; "
            + $"use 'para images authenticate' after tagging it {host.Prefix}<name>.",
            refusedErr.Trim());
    }

    [Fact]
    public async Task Reauthenticating_a_container_that_does_not_exist_names_it_in_one_line()
    {
        await using var host = docker.CreateHost();
        using var cli = ServeForCli(host);

        var (exit, output, error) = await RunAsync("containers", "reauth", $"{host.Prefix}nothere", "--account", "alice");

        Assert.Equal(1, exit);
        Assert.Equal(
            $"para: Container not found: No container named '{host.Prefix}nothere' exists on the engine; 'para containers list' shows Para's containers.",
            error.Trim());
        Assert.Empty(output);
    }

    [Fact]
    public async Task Containers_assign_and_unassign_print_one_line_and_list_shows_where_the_account_comes_from()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var name = $"{host.Prefix}plain";
        await docker.StartSessionAsync(host.BaseImage, name);
        using var cli = ServeForCli(host);

        var (listExit, listOut, _) = await RunAsync("containers", "list");
        Assert.Equal(0, listExit);
        Assert.Matches($@"{name}\s+running\s+none\s+-\s+no account\s+{host.BaseImage}", listOut);
        var (feedExit, feedOut, _) = await RunAsync("containers", "feed");
        Assert.Equal(0, feedExit);
        Assert.Matches($@"{name}\s+no account\s+skipped\s+para containers assign {name} ACCOUNT", feedOut);

        var (assignExit, assignOut, assignErr) = await RunAsync("containers", "assign", name, "alice");
        Assert.True(assignExit == 0, assignErr);
        var fingerprint = host.Credentials.Issued.Last().Fingerprint;
        Assert.Equal($"{name} uses account alice (assigned): fed access token {fingerprint}", assignOut.Trim());
        Assert.Matches($@"{name}\s+running\s+valid\s+\S+ \S+\s+alice \(assigned\)", (await RunAsync("containers", "list")).Out);

        var (unassignExit, unassignOut, _) = await RunAsync("containers", "unassign", name);
        Assert.Equal(0, unassignExit);
        Assert.Equal($"{name} is no longer assigned; it has no account (assign one, or start it with --label para.account=NAME)", unassignOut.Trim());

        var (missingExit, missingOut, missingErr) = await RunAsync("containers", "assign", $"{host.Prefix}nothere", "alice");
        Assert.Equal(1, missingExit);
        Assert.Empty(missingOut);
        Assert.Equal(
            $"para: Container not found: No container named '{host.Prefix}nothere' exists on the engine; 'para containers list' shows Para's containers.",
            missingErr.Trim());
        var (unknownExit, _, unknownErr) = await RunAsync("containers", "assign", name, FixedCredentialSource.MissingAccount);
        Assert.Equal(1, unknownExit);
        Assert.Equal(
            $"para: Account not found: The account API has no account named '{FixedCredentialSource.MissingAccount}'; 'para accounts list' shows them.",
            unknownErr.Trim());
    }

    [Fact]
    public async Task Auth_status_with_the_engine_away_says_it_is_unreachable_not_that_images_are_missing()
    {
        var folder = Directory.CreateTempSubdirectory("para-dead-docker-");
        var socket = Path.Combine(folder.FullName, "docker.sock");
        try
        {
            await using var host = docker.CreateHost(settings => settings["Para:Docker:Endpoint"] = $"unix://{socket}");
            using var cli = ServeForCli(host);

            var (exit, output, error) = await RunAsync("auth", "status");

            Assert.Equal(1, exit);
            Assert.Equal("engine          unreachable", output.Trim());
            Assert.DoesNotContain("missing", output + error, StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'));
            Assert.StartsWith("para: Docker engine at ", error, StringComparison.Ordinal);
            Assert.Contains("is unreachable", error, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Cleanup_temporary_dry_run_lists_only_the_leftover_temporaries_and_removes_nothing()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        using var cli = ServeForCli(host);
        var (setupExit, _, _) = await RunAsync("auth", "setup", "--account", "alice");
        Assert.Equal(0, setupExit);
        var leftover = $"{host.Prefix}auth-tmp-crashed";
        await host.Engine.CreateContainerAsync(new Para.ContainerAuth.Docker.ContainerSpec(host.BaseImage, leftover, [], new Dictionary<string, string>()),
            CancellationToken.None);

        var (exit, output, _) = await RunAsync("auth", "cleanup", "--temporary", "--dry-run");

        Assert.Equal(0, exit);
        Assert.Equal([$"would remove container {leftover}", "would remove 0 image(s), 1 container(s), 0 volume(s)"], output.Trim().Split('\n'));
        Assert.Equal([leftover], await host.ContainerNamesAsync());

        var (realExit, realOut, _) = await RunAsync("auth", "cleanup", "--temporary");
        Assert.Equal(0, realExit);
        Assert.Contains($"removed container {leftover}", realOut, StringComparison.Ordinal);
        Assert.Empty(await host.ContainerNamesAsync());
        Assert.NotNull(await host.Engine.FindImageAsync(host.AuthenticatedImage, CancellationToken.None));
    }

    [Fact]
    public async Task Verify_of_an_image_without_a_shell_prints_one_sentence_for_the_check_command()
    {
        await using var host = docker.CreateHost();
        await host.Engine.TagImageAsync(docker.ImportedImage, host.BaseImage, CancellationToken.None);
        using var cli = ServeForCli(host);
        var (setupExit, _, setupErr) = await RunAsync("auth", "setup", "--account", "alice");
        Assert.True(setupExit == 0, setupErr);

        var (exit, output, error) = await RunAsync("verify", host.AuthenticatedImage);

        Assert.Equal(1, exit);
        Assert.Contains(
            "FAIL  check-command   The image has no /bin/sh, so the check command cannot run; the credential file checks above still apply.",
            output, StringComparison.Ordinal);
        Assert.Contains("ok    owner-and-mode", output, StringComparison.Ordinal);
        Assert.DoesNotContain("OCI", output + error, StringComparison.Ordinal);
        Assert.Equal($"para: image {host.AuthenticatedImage} failed verification", error.Trim());
    }

    [Fact]
    public async Task Images_authenticate_without_an_account_uses_the_base_s_account_and_without_one_says_what_to_do()
    {
        await using var host = docker.CreateHost();
        await host.TagBaseImageAsync();
        var dev = $"{host.Prefix}dev:latest";
        await host.Engine.TagImageAsync(docker.UserBaseImage, dev, CancellationToken.None);
        using var cli = ServeForCli(host);

        var (noAccountExit, _, noAccountErr) = await RunAsync("images", "authenticate", dev);
        Assert.Equal(1, noAccountExit);
        Assert.Equal(
            $"para: Invalid request: No account given, {host.AuthenticatedImage} names none and Para:ContainerAuth:DefaultAccount is not set; name one with --account.",
            noAccountErr.Trim());

        Assert.Equal(0, (await RunAsync("auth", "setup", "--account", "alice")).Exit);
        var (exit, _, _) = await RunAsync("images", "authenticate", dev);
        Assert.Equal(0, exit);
        var (_, listOut, _) = await RunAsync("images", "list");
        Assert.Matches($@"{host.Prefix}dev-authenticated:latest\s+valid\s+alice", listOut);
        Assert.Equal(2, host.Credentials.Handed.Count); // the setup's and the image's: each asked the account API
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
