using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Propagation;

/// <summary>
/// Reads the credentials file of every para container of an account and returns the newest set
/// (latest <c>expiresAt</c>): what the account API asks before it refreshes an account whose
/// refresh token it handed out, because Claude Code in a container may have refreshed by itself
/// and spent the token Para holds. Stopped containers count: one may have refreshed before it
/// stopped. A container's account is its assignment, else its label (<see cref="Assignments.ContainerAccounts"/>).
/// Tokens are returned, never logged (fingerprints only).
/// </summary>
public sealed partial class CredentialHarvester(
    DockerEngine engine,
    CredentialWriter writer,
    ContainerOperations containers,
    Assignments.ContainerAccounts accounts,
    IOptions<ContainerAuthOptions> options,
    ILogger<CredentialHarvester> logger)
{
    public async Task<CredentialsHarvest> HarvestAsync(string account, CancellationToken cancellationToken)
    {
        var holders = (await engine.ListContainersAsync(includeStopped: true, cancellationToken))
            .Where(container => containers.IsParaContainer(container.Name)
                && string.Equals(accounts.AccountOf(container), account, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var found = new ConcurrentBag<(string Container, ClaudeAiOauth Tokens)>();
        var read = 0;
        await Parallel.ForEachAsync(
            holders,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.FeedParallelism, CancellationToken = cancellationToken },
            async (container, token) =>
            {
                if (await ReadAsync(container, token) is { } tokens)
                {
                    found.Add((container.Name, tokens));
                }

                Interlocked.Increment(ref read);
            });

        var newest = found.Where(item => item.Tokens.AccessToken.Length > 0).OrderByDescending(item => item.Tokens.ExpiresAt).FirstOrDefault();
        var fingerprint = newest.Tokens is null ? null : TokenFingerprint.Of(newest.Tokens.AccessToken);
        LogHarvested(logger, account, read, newest.Container ?? "none", fingerprint ?? "none");
        return new CredentialsHarvest(account, read, newest.Container, fingerprint, newest.Tokens);
    }

    private async Task<ClaudeAiOauth?> ReadAsync(EngineContainer container, CancellationToken cancellationToken)
    {
        try
        {
            if (await engine.FindContainerAsync(container.Id, cancellationToken) is not var (_, user, env))
            {
                return null;
            }

            var home = await writer.ResolveHomeAsync(container.Id, user, env, cancellationToken);
            var file = await engine.ReadFileAsync(container.Id, home.CredentialsPath, cancellationToken);
            return file is null ? null : JsonSerializer.Deserialize<ClaudeCredentialsFile>(file.Content)?.ClaudeAiOauth;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or DockerOperationException)
        {
            // A file Claude Code is rewriting, or a container going away: nothing to take from it. Its text may hold tokens.
            LogUnreadable(logger, container.Name, exception.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Harvested account {Account}'s credentials from {Read} containers: newest at {Holder} (access token {Fingerprint})")]
    private static partial void LogHarvested(ILogger logger, string account, int read, string holder, string fingerprint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The credentials file of container {Container} could not be read ({ExceptionType})")]
    private static partial void LogUnreadable(ILogger logger, string container, string exceptionType);
}
