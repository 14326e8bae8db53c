using Microsoft.AspNetCore.Http.HttpResults;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Images;

/// <summary><c>/api/auth</c>: the seed's <c>para auth</c> workflows for the base image.</summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth")
            .WithTags("Auth")
            .RequireAuthorization(AdminKeyAuthentication.PolicyName)
            .WithDockerProblems();

        group.MapGet("/status", GetStatus).WithName("GetAuthStatus")
            .WithSummary("Engine, base and authenticated image, account and expiry.");
        group.MapPost("/setup", Setup).WithName("SetupAuth")
            .WithSummary("Job: base image + an account's credentials → the authenticated image.");
        group.MapPost("/reauth", Reauth).WithName("Reauth")
            .WithSummary("Job: fresh credentials into a new authenticated image; lists (or removes) containers of the old one.");
        group.MapPost("/cleanup", Cleanup).WithName("CleanupAuth")
            .WithSummary("Removes the authenticated images Para wrote, temporary containers of interrupted jobs and para-auth-* volumes (temporaryOnly: just the temporaries; dryRun: only the list).");
        group.MapPost("/reauth-all", ReauthAll).WithName("ReauthAll")
            .WithSummary("Job: the base, the custom images Para manages plus the ones named, and (when asked) running containers, a few at a time.");
        group.MapPost("/reauth-all/plan", PlanReauthAll).WithName("PlanReauthAll")
            .WithSummary("The dry run of reauth-all: each image and container it would write, and the para images it leaves alone.");
        return group;
    }

    public static async Task<Ok<AuthStatus>> GetStatus([AsParameters] ContainerAuthServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok(await services.Status.GetStatusAsync(cancellationToken));

    public static async Task<Results<Accepted<JobInfo>, ValidationProblem, ProblemHttpResult>> Setup(
        SetupRequest request, [AsParameters] ContainerAuthServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Account))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["account"] = ["Name the account whose credentials go in."] });
        }

        var baseImage = string.IsNullOrWhiteSpace(request.BaseImage) ? services.Options.BaseImage : request.BaseImage;
        await services.Engine.EnsureAvailableAsync(cancellationToken);
        if (await services.Engine.FindImageAsync(baseImage, cancellationToken) is null)
        {
            return TypedResults.Problem(title: "Base image missing", detail: $"Image {baseImage} does not exist; build it first.",
                statusCode: StatusCodes.Status404NotFound);
        }

        if (!request.Force && await services.Engine.FindImageAsync(services.Options.AuthenticatedImage, cancellationToken) is not null)
        {
            return TypedResults.Problem(title: "Already authenticated",
                detail: $"{services.Options.AuthenticatedImage} exists; use force, or 'para auth reauth'.",
                statusCode: StatusCodes.Status409Conflict);
        }

        return Accepted(services.Jobs.Start("auth-setup", services.Options.AuthenticatedImage, async (job, ct) =>
        {
            var result = await services.Setup.SetupAsync(request.Account, baseImage, job, ct);
            return new JobOutcome(result, $"{result.Image} holds the credentials of {result.Account}");
        }));
    }

    public static async Task<Accepted<JobInfo>> Reauth(ReauthRequest request, [AsParameters] ContainerAuthServices services,
        CancellationToken cancellationToken)
    {
        await services.Engine.EnsureAvailableAsync(cancellationToken);
        var account = await services.Accounts.ResolveAsync(request.Account, cancellationToken);
        return Accepted(services.Jobs.Start("auth-reauth", services.Options.AuthenticatedImage, async (job, ct) =>
        {
            var result = await services.Reauth.ReauthAsync(account, request.RemoveContainers, job, ct);
            return new JobOutcome(result, $"{result.Image} holds fresh credentials of {result.Account}");
        }));
    }

    public static async Task<Ok<CleanupResult>> Cleanup(CleanupRequest request, [AsParameters] ContainerAuthServices services,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await services.Cleanup.CleanupAsync(request.DryRun, request.TemporaryOnly, cancellationToken));

    public static async Task<Accepted<JobInfo>> ReauthAll(ReauthAllRequest request, [AsParameters] ContainerAuthServices services,
        CancellationToken cancellationToken)
    {
        await services.Engine.EnsureAvailableAsync(cancellationToken);
        var plan = await services.ReauthAll.PlanAsync(request, cancellationToken);
        return Accepted(services.Jobs.Start("auth-reauth-all", "all para images",
            (job, ct) => services.ReauthAll.RunAsync(plan, request.MaxParallelism, job, ct)));
    }

    public static async Task<Ok<ReauthAllPlan>> PlanReauthAll(ReauthAllRequest request, [AsParameters] ContainerAuthServices services,
        CancellationToken cancellationToken)
    {
        await services.Engine.EnsureAvailableAsync(cancellationToken);
        return TypedResults.Ok(await services.ReauthAll.PlanAsync(request, cancellationToken));
    }

    public static Accepted<JobInfo> Accepted(Job job) => TypedResults.Accepted($"/api/jobs/{job.Id}", job.Snapshot());
}
