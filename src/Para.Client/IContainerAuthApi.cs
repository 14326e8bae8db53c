using Para.Contracts.ContainerAuth;
using Para.Contracts.Health;
using Refit;

namespace Para.Client;

/// <summary>The container-auth service, as the console, the CLI and the tests see it.</summary>
public interface IContainerAuthApi
{
    /// <summary>The underlying client (base address, admin key): <see cref="ContainerAuthEventStream"/> reads <c>/api/events</c> with it.</summary>
    HttpClient Client { get; }

    [Get("/health")]
    Task<IApiResponse<HealthDocument>> GetHealthAsync(CancellationToken cancellationToken = default);

    [Get("/api/auth/status")]
    Task<AuthStatus> GetAuthStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts a job; follow it with <see cref="StreamJobEventsAsync"/>.</summary>
    [Post("/api/auth/setup")]
    Task<JobInfo> SetupAsync([Body] SetupRequest request, CancellationToken cancellationToken = default);

    [Post("/api/auth/reauth")]
    Task<JobInfo> ReauthAsync([Body] ReauthRequest request, CancellationToken cancellationToken = default);

    [Post("/api/auth/cleanup")]
    Task<CleanupResult> CleanupAsync([Body] CleanupRequest request, CancellationToken cancellationToken = default);

    [Post("/api/auth/reauth-all")]
    Task<JobInfo> ReauthAllAsync([Body] ReauthAllRequest request, CancellationToken cancellationToken = default);

    /// <summary>The dry run of <see cref="ReauthAllAsync"/>: what it would write, nothing written.</summary>
    [Post("/api/auth/reauth-all/plan")]
    Task<ReauthAllPlan> PlanReauthAllAsync([Body] ReauthAllRequest request, CancellationToken cancellationToken = default);

    [Get("/api/images")]
    Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken = default);

    [Post("/api/images/build")]
    Task<JobInfo> BuildImageAsync([Body] BuildImageRequest request, CancellationToken cancellationToken = default);

    [Post("/api/images/authenticate")]
    Task<JobInfo> AuthenticateImageAsync([Body] AuthenticateImageRequest request, CancellationToken cancellationToken = default);

    [Get("/api/containers")]
    Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(CancellationToken cancellationToken = default);

    /// <summary>The account's (or every account's) current credentials into its running containers, in place.</summary>
    [Post("/api/containers/feed")]
    Task<FeedReport> FeedContainersAsync([Query] string? account = null, CancellationToken cancellationToken = default);

    /// <summary>The account the container uses from now on (over its labels); fed at once when it runs.</summary>
    [Put("/api/containers/{container}/account")]
    Task<ContainerAccountResult> AssignAccountAsync(string container, [Body] ContainerAccountRequest request, CancellationToken cancellationToken = default);

    /// <summary>Drops the assignment: the container's labels decide again.</summary>
    [Delete("/api/containers/{container}/account")]
    Task<ContainerAccountResult> UnassignAccountAsync(string container, CancellationToken cancellationToken = default);

    /// <summary>The newest credentials in the account's para containers (tokens included: the account API's question before a refresh).</summary>
    [Post("/api/containers/credentials/harvest")]
    Task<CredentialsHarvest> HarvestCredentialsAsync([Query] string account, CancellationToken cancellationToken = default);

    [Post("/api/containers/{container}/reauth")]
    Task<JobInfo> ReauthContainerAsync(string container, [Body] ContainerReauthRequest request, CancellationToken cancellationToken = default);

    [Post("/api/verify")]
    Task<VerifyResult> VerifyAsync([Body] VerifyRequest request, CancellationToken cancellationToken = default);

    [Get("/api/jobs")]
    Task<IReadOnlyList<JobInfo>> ListJobsAsync(CancellationToken cancellationToken = default);

    [Get("/api/jobs/{id}")]
    Task<JobInfo> GetJobAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Server-sent events, one per step; read them with <see cref="JobEventStream.ReadAsync"/>.</summary>
    [Get("/api/jobs/{id}/events")]
    Task<Stream> StreamJobEventsAsync(string id, CancellationToken cancellationToken = default);
}
