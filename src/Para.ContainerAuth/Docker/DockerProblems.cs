using Para.ContainerAuth.Credentials;

namespace Para.ContainerAuth.Docker;

/// <summary>
/// Turns an absent engine into 503 and a refused request into 502/400, each with the one-line
/// cause, for every endpoint of a group; no stack trace reaches the caller.
/// </summary>
internal static class DockerProblems
{
    public static RouteGroupBuilder WithDockerProblems(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (DockerUnavailableException exception)
            {
                return TypedResults.Problem(title: "Docker engine unavailable", detail: exception.Message,
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (DockerOperationException exception)
            {
                return TypedResults.Problem(title: "Docker refused the request", detail: exception.Message,
                    statusCode: StatusCodes.Status502BadGateway);
            }
            catch (CredentialsUnavailableException exception)
            {
                return TypedResults.Problem(title: "Credentials unavailable", detail: exception.Message,
                    statusCode: StatusCodes.Status502BadGateway);
            }
            catch (ArgumentException exception)
            {
                return TypedResults.Problem(title: "Invalid request", detail: exception.Message,
                    statusCode: StatusCodes.Status400BadRequest);
            }
        });
        return group;
    }
}
