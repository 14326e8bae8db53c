using Microsoft.AspNetCore.Http.HttpResults;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Jobs;
using Para.Contracts.ContainerAuth;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Images;

/// <summary><c>/api/images</c>: Para's images, custom builds and their authenticated versions.</summary>
public static class ImagesApi
{
    public static RouteGroupBuilder MapImagesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/images")
            .WithTags("Images")
            .RequireAuthorization(AdminKeyAuthentication.PolicyName)
            .WithDockerProblems();

        group.MapGet("/", ListImages).WithName("ListImages").WithSummary("Every para image with its credential status and expiry.");
        group.MapPost("/build", BuildImage).WithName("BuildImage")
            .WithSummary("Job: para-<repo>:latest from <repo>/.para/Dockerfile.custom; the build log arrives as steps.");
        group.MapPost("/authenticate", AuthenticateImage).WithName("AuthenticateImage")
            .WithSummary("Job: <name>-authenticated:latest with fresh credentials of the account given, else of the one the authenticated base names.");
        return group;
    }

    public static async Task<Ok<IReadOnlyList<ImageSummary>>> ListImages([AsParameters] ContainerAuthServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok(await services.Catalog.ListImagesAsync(cancellationToken));

    public static async Task<Results<Accepted<JobInfo>, ValidationProblem>> BuildImage(BuildImageRequest request,
        [AsParameters] ContainerAuthServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.RepoPath) || !File.Exists(Path.Combine(request.RepoPath, CustomImageBuilder.CustomDockerfile)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["repoPath"] = [$"'{request.RepoPath}' has no {CustomImageBuilder.CustomDockerfile}."],
            });
        }

        await services.Engine.EnsureAvailableAsync(cancellationToken);
        var image = ImageNames.CustomImageFor(request.RepoPath, services.Options);
        return AuthApi.Accepted(services.Jobs.Start("images-build", image, async (job, ct) =>
        {
            var built = await services.Builder.BuildAsync(request.RepoPath, job, ct);
            return new JobOutcome(new BuiltImage(built), $"built {built}");
        }));
    }

    private sealed record BuiltImage(string Image);

    public static async Task<Results<Accepted<JobInfo>, ValidationProblem, ProblemHttpResult>> AuthenticateImage(AuthenticateImageRequest request,
        [AsParameters] ContainerAuthServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Image) || ImageNames.IsAuthenticated(request.Image, services.Options))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["image"] = ["Name an image that is not itself authenticated, such as para-myrepo:latest."],
            });
        }

        await services.Engine.EnsureAvailableAsync(cancellationToken);
        if (await services.Engine.FindImageAsync(request.Image, cancellationToken) is null)
        {
            return TypedResults.Problem(title: "Image missing", detail: $"Image {request.Image} does not exist.", statusCode: StatusCodes.Status404NotFound);
        }

        var target = ImageNames.AuthenticatedNameFor(request.Image, services.Options);
        // Fresh from the account service, for the account the authenticated base names unless one is given.
        var account = await services.Accounts.ResolveAsync(request.Account, cancellationToken);
        return AuthApi.Accepted(services.Jobs.Start("images-authenticate", target, async (job, ct) =>
        {
            var result = await services.ImageAuthentication.AuthenticateAsync(request.Image, account, job, ct);
            return new JobOutcome(result, $"{result.Image} holds the credentials of {result.Account}");
        }));
    }
}
