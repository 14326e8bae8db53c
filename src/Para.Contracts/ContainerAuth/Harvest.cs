using Para.Contracts.Credentials;

namespace Para.Contracts.ContainerAuth;

/// <summary>
/// <c>POST /api/containers/credentials/harvest?account=NAME</c> (admin key; the account API asks
/// before it refreshes an account whose refresh token it handed out): the newest credentials
/// found in the account's para containers, running or stopped. <see cref="Newest"/> holds tokens:
/// never logged, and <see cref="ToString"/> leaves them out.
/// </summary>
public sealed record CredentialsHarvest(string Account, int ContainersRead, string? Holder, string? Fingerprint, ClaudeAiOauth? Newest)
{
    public override string ToString() =>
        $"CredentialsHarvest {{ Account = {Account}, ContainersRead = {ContainersRead}, Holder = {Holder}, Fingerprint = {Fingerprint} }}";
}
