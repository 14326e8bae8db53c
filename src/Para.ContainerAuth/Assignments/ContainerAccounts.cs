using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Assignments;

/// <summary>
/// Which account a container uses: an assignment (<c>para containers assign</c>) first, then its
/// <c>para.account</c> label. The engine merges the image's labels into the container's, the
/// container's own (<c>docker run --label</c>) winning, so the label already puts a label given at
/// creation before the image's; the image is asked only to tell the two apart for a person.
/// </summary>
public sealed class ContainerAccounts(ContainerAssignments assignments, DockerEngine engine)
{
    /// <summary>The account, or null when neither an assignment nor a label names one.</summary>
    public string? AccountOf(EngineContainer container) =>
        assignments.AccountOf(container.Id) ?? CredentialLabels.Read(container.Labels, CredentialLabels.Account);

    /// <summary>The account and where it comes from (<see cref="AccountSources"/>), for each container.</summary>
    public async Task<IReadOnlyDictionary<string, (string? Account, string? Source)>> DescribeAsync(IEnumerable<EngineContainer> containers,
        CancellationToken cancellationToken)
    {
        var imageAccounts = new Dictionary<string, string?>(StringComparer.Ordinal);
        var described = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        foreach (var container in containers)
        {
            if (assignments.AccountOf(container.Id) is { } assigned)
            {
                described[container.Id] = (assigned, AccountSources.Assigned);
                continue;
            }

            if (CredentialLabels.Read(container.Labels, CredentialLabels.Account) is not { } labelled)
            {
                described[container.Id] = (null, null);
                continue;
            }

            if (!imageAccounts.TryGetValue(container.ImageId, out var fromImage))
            {
                var image = await engine.FindImageAsync(container.ImageId, cancellationToken);
                fromImage = image is null ? null : CredentialLabels.Read(image.Labels, CredentialLabels.Account);
                imageAccounts[container.ImageId] = fromImage;
            }

            described[container.Id] = (labelled, string.Equals(fromImage, labelled, StringComparison.Ordinal) ? AccountSources.Image : AccountSources.Label);
        }

        return described;
    }

    /// <summary>Forgets assignments of containers the engine no longer has.</summary>
    public void Retain(IEnumerable<EngineContainer> everyContainer) =>
        assignments.Retain(everyContainer.Select(container => container.Id).ToHashSet(StringComparer.Ordinal));
}
