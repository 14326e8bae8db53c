using Microsoft.AspNetCore.Http.HttpResults;
using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Propagation;
using Para.Contracts.ContainerAuth;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Assignments;

/// <summary><c>/api/containers/{container}/account</c>: which account a container uses, over its labels.</summary>
public static class ContainerAccountApi
{
    public static RouteGroupBuilder MapContainerAccountApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/containers/{container}/account")
            .WithTags("Containers")
            .RequireAuthorization(AdminKeyAuthentication.PolicyName)
            .WithDockerProblems();

        group.MapPut("/", Assign).WithName("AssignContainerAccount")
            .WithSummary("The account the container uses from now on, whatever its labels say; a running one is fed at once.");
        group.MapDelete("/", Unassign).WithName("UnassignContainerAccount")
            .WithSummary("Drops the assignment: the container's labels decide again (fed at once when they name an account).");
        return group;
    }

    public static async Task<Results<Ok<ContainerAccountResult>, ValidationProblem, ProblemHttpResult>> Assign(string container,
        ContainerAccountRequest request, [AsParameters] AssignmentServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Account))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["account"] = ["Name the account the container should use."] });
        }

        var (found, problem) = await FindParaContainerAsync(container, services, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        var requested = request.Account.Trim();
        if (await services.Credentials.FindAccountNameAsync(requested, cancellationToken) is not { } account)
        {
            return TypedResults.Problem(title: "Account not found",
                detail: $"The account API has no account named '{requested}'; 'para accounts list' shows them.",
                statusCode: StatusCodes.Status404NotFound);
        }

        services.Assignments.Assign(found.Id, found.Name, account);
        var feed = found.IsRunning ? await services.Feeder.FeedContainerAsync(found, account, cancellationToken) : null;
        return TypedResults.Ok(new ContainerAccountResult(found.Name, account, AccountSources.Assigned, feed,
            $"{found.Name} uses account {account} (assigned){(found.IsRunning ? Fed(feed) : NotRunning)}"));
    }

    public static async Task<Results<Ok<ContainerAccountResult>, ProblemHttpResult>> Unassign(string container,
        [AsParameters] AssignmentServices services, CancellationToken cancellationToken)
    {
        var (found, problem) = await FindParaContainerAsync(container, services, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        var removed = services.Assignments.Unassign(found.Id);
        var (account, source) = (await services.Accounts.DescribeAsync([found], cancellationToken))[found.Id];
        var feed = removed && account is not null && found.IsRunning ? await services.Feeder.FeedContainerAsync(found, account, cancellationToken) : null;
        var now = account is null ? "has no account (assign one, or start it with --label para.account=NAME)" : $"uses account {account} ({source})";
        return TypedResults.Ok(new ContainerAccountResult(found.Name, account, source, feed,
            $"{found.Name} {(removed ? "is no longer assigned" : "was not assigned")}; it {now}{(removed && account is not null && !found.IsRunning ? NotRunning : Fed(feed))}"));
    }

    private static async Task<(EngineContainer? Container, ProblemHttpResult? Problem)> FindParaContainerAsync(string container, AssignmentServices services,
        CancellationToken cancellationToken)
    {
        await services.Engine.EnsureAvailableAsync(cancellationToken);
        if (await services.Engine.FindContainerAsync(container, cancellationToken) is not var (found, _, _))
        {
            return (null, TypedResults.Problem(title: "Container not found",
                detail: $"No container named '{container}' exists on the engine; 'para containers list' shows Para's containers.",
                statusCode: StatusCodes.Status404NotFound));
        }

        if (!services.Containers.IsParaContainer(found.Name))
        {
            return (null, TypedResults.Problem(title: "Not a para container",
                detail: $"{found.Name} is not a para container (its name must start with {services.Containers.NamePrefix}).",
                statusCode: StatusCodes.Status400BadRequest));
        }

        return (found, null);
    }

    private const string NotRunning = "; it is not running, and is fed when it starts";

    private static string Fed(FeedOutcome? feed) => feed switch
    {
        null => "",
        { Fed: true } => $": {feed.Message}",
        _ => $"; feeding it failed: {feed.Message}",
    };
}

/// <summary>What the assignment handlers need, as one <c>[AsParameters]</c> object.</summary>
public sealed class AssignmentServices(
    DockerEngine engine,
    ContainerOperations containers,
    ContainerAssignments assignments,
    ContainerAccounts accounts,
    ContainerFeeder feeder,
    ICredentialSource credentials)
{
    public DockerEngine Engine { get; } = engine;

    public ContainerOperations Containers { get; } = containers;

    public ContainerAssignments Assignments { get; } = assignments;

    public ContainerAccounts Accounts { get; } = accounts;

    public ContainerFeeder Feeder { get; } = feeder;

    public ICredentialSource Credentials { get; } = credentials;
}
