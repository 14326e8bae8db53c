using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Assignments;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Images;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Containers;

/// <summary>Para's containers: what credentials they hold, and fresh ones put in place (the seed's option 4).</summary>
public sealed class ContainerOperations(
    DockerEngine engine,
    CredentialWriter writer,
    ICredentialSource credentialSource,
    TemporaryContainers temporaries,
    ContainerAccounts accounts,
    Propagation.FeedLedger ledger,
    IOptions<ContainerAuthOptions> options,
    TimeProvider timeProvider)
{
    private ContainerAuthOptions Options => options.Value;

    public string NamePrefix => Options.NamePrefix;

    /// <summary>Para's own containers: named with the prefix, not one of its temporary ones.</summary>
    public bool IsParaContainer(string name) =>
        name.StartsWith(Options.NamePrefix, StringComparison.Ordinal) && !temporaries.IsTemporary(name);

    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var summaries = new List<ContainerSummary>();
        var every = await engine.ListContainersAsync(includeStopped: true, cancellationToken);
        accounts.Retain(every);
        var ours = every.Where(container => IsParaContainer(container.Name)).ToArray();
        var accountOf = await accounts.DescribeAsync(ours, cancellationToken);
        foreach (var container in ours)
        {
            var expiresAt = await ReadExpiryAsync(container.Id, cancellationToken);
            var fed = ledger.LastFed(container.Id);
            var (account, source) = accountOf[container.Id];
            summaries.Add(new ContainerSummary(container.Name, container.Id, container.Image, container.State,
                CredentialLabels.StatusOf(expiresAt, refreshDueAt: null, now, Options.ExpiringWithin), expiresAt,
                account, fed?.At, fed?.Fingerprint, source, expiresAt - Options.ExpiringWithin));
        }

        return summaries;
    }

    public async Task<IReadOnlyList<string>> ListRunningParaContainersAsync(CancellationToken cancellationToken) =>
        (await engine.ListContainersAsync(includeStopped: false, cancellationToken))
            .Where(container => IsParaContainer(container.Name))
            .Select(container => container.Name)
            .ToArray();

    /// <summary>Fresh credentials written into the container itself; optionally committed and restarted.</summary>
    public async Task<ContainerReauthResult> ReauthAsync(string container, ContainerReauthRequest request, Job? job, CancellationToken cancellationToken)
    {
        job?.Report("credentials", 0.1, "asking the account API");
        var account = request.Account ?? await AccountOfAsync(container, cancellationToken);
        var credentials = await credentialSource.GetAsync(account, cancellationToken);
        return await ReauthAsync(container, request, credentials, job, cancellationToken);
    }

    public async Task<ContainerReauthResult> ReauthAsync(string container, ContainerReauthRequest request, CredentialsExport credentials, Job? job,
        CancellationToken cancellationToken)
    {
        var (found, user, env) = await engine.FindContainerAsync(container, cancellationToken)
            ?? throw new DockerOperationException($"Container {container} does not exist.");
        job?.Report("write-credentials", 0.4, $"into {found.Name}");
        ledger.Fetched(credentials);
        await writer.WriteAsync(found.Id, user, env, credentials, cancellationToken);
        ledger.Record(found.Id, new Propagation.FedRecord(credentials.Fingerprint, timeProvider.GetUtcNow(), credentials.AccountName));

        string? committed = null;
        if (!string.IsNullOrWhiteSpace(request.CommitTag))
        {
            job?.Report("commit", 0.7, request.CommitTag);
            // The container's labels are its image's, which describe older credentials (or none).
            var labels = CredentialLabels.For(credentials, timeProvider.GetUtcNow());
            labels[CredentialLabels.SourceImage] = found.Image;
            await engine.CommitAsync(found.Id, request.CommitTag, cancellationToken, labels);
            committed = request.CommitTag;
        }

        // Claude Code may hold the old token in memory: a restart makes it read the file again.
        if (request.Restart)
        {
            job?.Report("restart", 0.9, found.Name);
            await engine.RestartContainerAsync(found.Id, cancellationToken);
        }

        return new ContainerReauthResult(found.Name, credentials.AccountName, credentials.ExpiresAt, committed, request.Restart);
    }

    private async Task<string> AccountOfAsync(string container, CancellationToken cancellationToken)
    {
        var (found, _, _) = await engine.FindContainerAsync(container, cancellationToken)
            ?? throw new DockerOperationException($"Container {container} does not exist.");
        return accounts.AccountOf(found)
            ?? Options.DefaultAccount
            ?? throw new ArgumentException(
                $"Container {container} names no account (no assignment, no label {CredentialLabels.Account}); give one, or 'para containers assign {container} ACCOUNT'.");
    }

    private async Task<DateTimeOffset?> ReadExpiryAsync(string containerId, CancellationToken cancellationToken)
    {
        if (await engine.FindContainerAsync(containerId, cancellationToken) is not var (_, user, env))
        {
            return null;
        }

        try
        {
            var home = await writer.ResolveHomeAsync(containerId, user, env, cancellationToken);
            var file = await engine.ReadFileAsync(containerId, home.CredentialsPath, cancellationToken);
            var credentials = file is null ? null : JsonSerializer.Deserialize<ClaudeCredentialsFile>(file.Content);
            return credentials is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(credentials.ClaudeAiOauth.ExpiresAt);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or DockerOperationException)
        {
            return null;
        }
    }
}
