namespace Para.Tui.ViewModels;

/// <summary>
/// Everything the console reads and does, in the console's own rows. Views never call HTTP; view
/// models call this seam from background tasks. The Refit implementation lives in
/// <c>Services/RefitConsoleData.cs</c>; tests use a fake.
/// </summary>
public interface IParaConsoleData
{
    Task<IReadOnlyList<AccountRow>> GetAccountsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ImageRow>> GetImagesAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ContainerRow>> GetContainersAsync(CancellationToken cancellationToken);

    /// <summary>Never throws for a service that is down: that service comes back as unreachable.</summary>
    Task<HealthSnapshot> GetHealthAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<JobRow>> GetJobsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The last <paramref name="limit"/> requests the gateway recorded for the account, newest
    /// first, as <c>GET /api/accounts/{idOrName}/requests</c> returns them; an unknown account throws.
    /// </summary>
    Task<IReadOnlyList<RequestRow>> GetAccountRequestsAsync(string account, int limit, CancellationToken cancellationToken);

    Task<OAuthStart> BeginAddAccountAsync(string name, string mode, int priority, CancellationToken cancellationToken);

    Task<OAuthStart> BeginReauthAsync(string account, CancellationToken cancellationToken);

    /// <summary>
    /// Exchanges the pasted code for <paramref name="account"/> (the name the round began for);
    /// a code of another account's sign-in is refused. Returns the account as it is afterwards.
    /// </summary>
    Task<AccountRow> CompleteOAuthAsync(string account, string state, string code, CancellationToken cancellationToken);

    /// <summary>Refreshes the account's tokens now (<c>POST /health/auth/refresh</c>).</summary>
    Task<OperationResult> RefreshAsync(string account, CancellationToken cancellationToken);

    Task SetPausedAsync(string account, bool paused, CancellationToken cancellationToken);

    Task SetPriorityAsync(string account, int priority, CancellationToken cancellationToken);

    Task DeleteAsync(string account, CancellationToken cancellationToken);

    /// <summary>Starts reauth-all for the images (and running containers when asked); returns the job.</summary>
    Task<JobRow> ReauthAllAsync(bool includeContainers, CancellationToken cancellationToken);

    Task<OperationResult> VerifyAsync(VerifyTarget target, string name, CancellationToken cancellationToken);

    /// <summary>The account API's event stream; ends or throws when it breaks.</summary>
    IAsyncEnumerable<ConsoleEvent> WatchEventsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Container-auth's event stream, each event with <see cref="ConsoleEvent.ContainerAuth"/> set;
    /// ends or throws when it breaks, or stays silent past its heartbeats.
    /// </summary>
    IAsyncEnumerable<ConsoleEvent> WatchContainerAuthEventsAsync(CancellationToken cancellationToken);
}
