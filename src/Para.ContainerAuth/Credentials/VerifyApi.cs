using Microsoft.AspNetCore.Http.HttpResults;
using Para.ContainerAuth.Docker;
using Para.Contracts.ContainerAuth;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Credentials;

/// <summary><c>/api/verify</c>: the seed's "test after reauthentication" for an image or a container.</summary>
public static class VerifyApi
{
    public static RouteGroupBuilder MapVerifyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/verify")
            .WithTags("Verify")
            .RequireAuthorization(AdminKeyAuthentication.PolicyName)
            .WithDockerProblems();

        group.MapPost("/", Verify).WithName("Verify")
            .WithSummary("Credentials present, parseable, unexpired, 0600 and the user's; then the check command on network none.");
        return group;
    }

    public static async Task<Results<Ok<VerifyResult>, ProblemHttpResult, ValidationProblem>> Verify(VerifyRequest request,
        CredentialVerifier verifier, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Target))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["target"] = ["Name an image or a container."] });
        }

        return await verifier.VerifyAsync(request.Target, request.Command, cancellationToken) is { } result
            ? TypedResults.Ok(result)
            : TypedResults.Problem(title: "Not found", detail: $"No image or container named {request.Target}.", statusCode: StatusCodes.Status404NotFound);
    }
}
