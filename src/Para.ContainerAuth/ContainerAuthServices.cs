using Microsoft.Extensions.Options;
using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.ContainerAuth.Images;
using Para.ContainerAuth.Jobs;

namespace Para.ContainerAuth;

/// <summary>What the API handlers need, arriving as one <c>[AsParameters]</c> object.</summary>
public sealed class ContainerAuthServices(
    DockerEngine engine,
    JobRunner jobs,
    ImageOperations images,
    ContainerOperations containers,
    ReauthAllOperation reauthAll,
    CredentialVerifier verifier,
    IOptions<ContainerAuthOptions> optionsAccessor)
{
    public DockerEngine Engine { get; } = engine;

    public JobRunner Jobs { get; } = jobs;

    public ImageOperations Images { get; } = images;

    public ContainerOperations Containers { get; } = containers;

    public ReauthAllOperation ReauthAll { get; } = reauthAll;

    public CredentialVerifier Verifier { get; } = verifier;

    public IOptions<ContainerAuthOptions> OptionsAccessor { get; } = optionsAccessor;

    public ContainerAuthOptions Options => OptionsAccessor.Value;
}
