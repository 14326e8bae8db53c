using Microsoft.AspNetCore.Http.HttpResults;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Images;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Containers;

/// <summary><c>/api/containers</c>: Para's containers and in-place reauthentication.</summary>
public static class ContainersApi
{
    public static RouteGroupBuilder MapContainersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/containers")
            .WithTags("Containers")
            .RequireAuthorization(AdminKeyAuthentication.PolicyName)
            .WithDockerProblems();

        group.MapGet("/", ListContainers).WithName("ListContainers")
            .WithSummary("Every para container with the credential status of the files inside it.");
        group.MapPost("/feed", FeedContainers).WithName("FeedContainers")
            .WithSummary("The account's (?account=, default every account) current credentials into its running containers, in place.");
        group.MapPost("/credentials/harvest", HarvestCredentials).WithName("HarvestCredentials")
            .WithSummary("The newest credentials in the account's (?account=) para containers, running or stopped; for the account API before it refreshes a handed-out refresh token.");
        group.MapPost("/{container}/reauth", ReauthContainer).WithName("ReauthContainer")
            .WithSummary("Job: fresh credentials into a para container in place; optional commit and restart.");
        return group;
    }

    public static async Task<Ok<IReadOnlyList<ContainerSummary>>> ListContainers([AsParameters] ContainerAuthServices services,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await services.Containers.ListContainersAsync(cancellationToken));

    public static async Task<Ok<FeedReport>> FeedContainers(string? account, Propagation.ContainerFeeder feeder,
        [AsParameters] ContainerAuthServices services, CancellationToken cancellationToken)
    {
        await services.Engine.EnsureAvailableAsync(cancellationToken);
        return TypedResults.Ok(await feeder.FeedAsync(string.IsNullOrWhiteSpace(account) ? null : account.Trim(), cancellationToken));
    }

    public static async Task<Results<Ok<CredentialsHarvest>, ValidationProblem>> HarvestCredentials(string? account, Propagation.CredentialHarvester harvester,
        [AsParameters] ContainerAuthServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(account))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["account"] = ["Name the account: ?account=NAME."] });
        }

        await services.Engine.EnsureAvailableAsync(cancellationToken);
        return TypedResults.Ok(await harvester.HarvestAsync(account.Trim(), cancellationToken));
    }

    public static async Task<Results<Accepted<JobInfo>, ValidationProblem, ProblemHttpResult>> ReauthContainer(string container,
        ContainerReauthRequest request, [AsParameters] ContainerAuthServices services, CancellationToken cancellationToken)
    {
        await services.Engine.EnsureAvailableAsync(cancellationToken);
        if (await services.Engine.FindContainerAsync(container, cancellationToken) is not var (found, _, _))
        {
            return TypedResults.Problem(title: "Container not found",
                detail: $"No container named '{container}' exists on the engine; 'para containers list' shows Para's containers.",
                statusCode: StatusCodes.Status404NotFound);
        }

        if (!services.Containers.IsParaContainer(found.Name))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["container"] = [$"{found.Name} is not a para container (its name must start with {services.Options.NamePrefix})."],
            });
        }

        return AuthApi.Accepted(services.Jobs.Start("containers-reauth", found.Name, async (job, ct) =>
        {
            var result = await services.Containers.ReauthAsync(found.Name, request, job, ct);
            return new JobOutcome(result, $"{result.Container} holds fresh credentials of {result.Account}");
        }));
    }
}
