using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Images;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Credentials;

/// <summary>
/// The seed's "test after reauthentication": the files are there, readable, unexpired, the user's
/// and 0600; then a check command in a throwaway container on network none, whose exit code counts.
/// </summary>
public sealed class CredentialVerifier(
    DockerEngine engine,
    CredentialWriter writer,
    TemporaryContainers temporaries,
    IOptions<ContainerAuthOptions> options,
    TimeProvider timeProvider)
{
    private const int OwnerReadWrite = 0b110_000_000;
    private const string Shell = "/bin/sh";

    public const string NoShell = "The image has no /bin/sh, so the check command cannot run; the credential file checks above still apply.";

    private ContainerAuthOptions Options => options.Value;

    public async Task<VerifyResult?> VerifyAsync(string target, string? command, CancellationToken cancellationToken)
    {
        command = string.IsNullOrWhiteSpace(command) ? Options.VerifyCommand : command;
        if (await engine.FindContainerAsync(target, cancellationToken) is var (container, user, env))
        {
            var checks = await CheckFilesAsync(container.Id, user, env, cancellationToken);
            // A running container is not disturbed: its file system becomes a temporary image to run the check in.
            using var image = temporaries.ClaimVerifyImage();
            await engine.CommitAsync(container.Id, image.Name, cancellationToken);
            try
            {
                checks.Add(await RunCheckCommandAsync(image.Name, user, command, cancellationToken));
            }
            finally
            {
                await engine.RemoveImageAsync(image.Name, CancellationToken.None);
            }

            return new VerifyResult(container.Name, "container", checks.TrueForAll(check => check.Passed), checks);
        }

        if (await engine.FindImageAsync(target, cancellationToken) is { } found)
        {
            using var temporary = temporaries.ClaimVerifyContainer();
            var containerId = await engine.CreateContainerAsync(
                new ContainerSpec(target, temporary.Name, [], new Dictionary<string, string>()), cancellationToken);
            List<VerifyCheck> checks;
            try
            {
                checks = await CheckFilesAsync(containerId, found.User, found.Env, cancellationToken);
            }
            finally
            {
                await engine.RemoveContainerAsync(containerId, CancellationToken.None);
            }

            checks.Add(await RunCheckCommandAsync(target, found.User, command, cancellationToken));
            return new VerifyResult(target, "image", checks.TrueForAll(check => check.Passed), checks);
        }

        return null;
    }

    private async Task<List<VerifyCheck>> CheckFilesAsync(string containerId, string? user, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        var checks = new List<VerifyCheck>();
        CredentialHome home;
        try
        {
            home = await writer.ResolveHomeAsync(containerId, user, env, cancellationToken);
        }
        catch (InvalidOperationException exception)
        {
            checks.Add(new VerifyCheck("present", false, exception.Message));
            return checks;
        }

        var file = await engine.ReadFileAsync(containerId, home.CredentialsPath, cancellationToken);
        checks.Add(new VerifyCheck("present", file is not null, file is null ? $"{home.CredentialsPath} is missing" : home.CredentialsPath));
        if (file is null)
        {
            return checks;
        }

        ClaudeCredentialsFile? credentials = null;
        try
        {
            credentials = JsonSerializer.Deserialize<ClaudeCredentialsFile>(file.Content);
        }
        catch (JsonException)
        {
        }

        // An empty refresh token is Para's access-only form (the container never refreshes), not a broken file.
        var parseable = credentials?.ClaudeAiOauth is { AccessToken.Length: > 0, RefreshToken: not null };
        checks.Add(new VerifyCheck("parseable", parseable, !parseable ? "not Claude Code's credentials format"
            : credentials!.ClaudeAiOauth.RefreshToken.Length > 0 ? "claudeAiOauth with access and refresh token"
            : "claudeAiOauth with an access token (refresh token withheld)"));
        if (parseable)
        {
            var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(credentials!.ClaudeAiOauth.ExpiresAt);
            var now = timeProvider.GetUtcNow();
            checks.Add(new VerifyCheck("not-expired", expiresAt > now, expiresAt > now
                ? $"expires {expiresAt:O} (in {FormatSpan(expiresAt - now)})"
                : $"expired {expiresAt:O}"));
        }

        var mode = file.Mode & 0b111_111_111;
        var ownerAndMode = mode == OwnerReadWrite && file.Uid == home.Uid;
        checks.Add(new VerifyCheck("owner-and-mode", ownerAndMode,
            $"mode {Convert.ToString(mode, 8)}, uid {file.Uid} (want 600, uid {home.Uid})"));
        return checks;
    }

    private async Task<VerifyCheck> RunCheckCommandAsync(string image, string? user, string command, CancellationToken cancellationToken)
    {
        using var temporary = temporaries.ClaimVerifyContainer();
        var containerId = await engine.CreateContainerAsync(
            new ContainerSpec(image, temporary.Name, [Shell, "-c", command], new Dictionary<string, string>(), user),
            cancellationToken);
        try
        {
            // Without a shell the runtime's refusal is a paragraph about OCI and exec; this is what it means.
            if (!await engine.PathExistsAsync(containerId, Shell, cancellationToken))
            {
                return new VerifyCheck("check-command", false, NoShell);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.VerifyTimeout);
            var (exitCode, output) = await engine.RunToCompletionAsync(containerId, timeout.Token);
            var lastLine = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;
            return new VerifyCheck("check-command", exitCode == 0,
                $"'{command}' exited {exitCode.ToString(CultureInfo.InvariantCulture)}{(lastLine.Length == 0 ? string.Empty : $": {Truncate(lastLine)}")}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new VerifyCheck("check-command", false, $"'{command}' did not finish within {Options.VerifyTimeout}");
        }
        catch (DockerOperationException exception) when (exception.Message.Contains(Shell, StringComparison.Ordinal))
        {
            // A /bin/sh that is there but cannot run (a dangling link, another architecture).
            return new VerifyCheck("check-command", false, NoShell);
        }
        finally
        {
            await engine.RemoveContainerAsync(containerId, CancellationToken.None);
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string FormatSpan(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h" : $"{(int)span.TotalHours}h {span.Minutes}m";
}
